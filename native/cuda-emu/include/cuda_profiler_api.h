// The profiler switches of the CUDA runtime for the host emulator: there is no profiler, both succeed.
#pragma once

#include "cuda_runtime_api.h"

cudaError_t cudaProfilerStart();
cudaError_t cudaProfilerStop();
