// MYELIN_HD marks per-element math that both the CPU flavour (g++) and a CUDA flavour (nvcc) compile.
#pragma once

#if defined(__CUDACC__)
#define MYELIN_HD __host__ __device__ __forceinline__
#else
#define MYELIN_HD inline
#endif
