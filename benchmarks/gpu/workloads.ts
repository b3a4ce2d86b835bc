/**
 * The three GPU workloads of the CUDA backend issue, shared by the myelin runner and (as JSON on the command
 * line) the PyTorch runner: MNIST-sized classification, a large square MLP (float32 and TF32), and a tiny
 * latency-bound network.
 */
import type { MlpSpec } from './mlp';

/** One benchmark workload; `tf32` selects TF32 tensor-core GEMMs on both sides. */
export interface GpuWorkload {
  name: string;
  spec: MlpSpec;
  tf32: boolean;
  /** Untimed steps first (JIT, allocator and cuBLAS warm-up). */
  warmupSteps: number;
}

const mnist: MlpSpec = { layers: [784, 512, 512, 10], batch: 128, samples: 60000, steps: 468, seed: 1 };
const big: MlpSpec = { layers: [1024, 4096, 4096, 1024], batch: 1024, samples: 1024 * 16, steps: 50, seed: 2 };
const tiny: MlpSpec = { layers: [2, 10, 1], batch: 32, samples: 32 * 100, steps: 1000, seed: 3, lr: 1e-2 };

export const GPU_WORKLOADS: GpuWorkload[] = [
  { name: 'mlp 784-512-512-10, batch 128, 1 epoch of 60000', spec: mnist, tf32: false, warmupSteps: 20 },
  { name: 'mlp 1024-4096-4096-1024, batch 1024, float32', spec: big, tf32: false, warmupSteps: 5 },
  { name: 'mlp 1024-4096-4096-1024, batch 1024, TF32', spec: big, tf32: true, warmupSteps: 5 },
  { name: 'mlp 2-10-1, batch 32 (latency)', spec: tiny, tf32: false, warmupSteps: 50 },
];

/**
 * The mixed-precision workload of issue 21 (benchmarks/gpu/mixed-fit.ts; torch_mlp.py's 'bf16 autocast' line is its
 * peer): the large MLP of the float32 / TF32 workloads, trained in float32, TF32, mixed_bfloat16 and
 * mixed_float16 in one process.
 */
export const MIXED_PRECISION_WORKLOAD: GpuWorkload = { name: 'mlp 1024-4096-4096-1024, batch 1024, mixed precision', spec: big, tf32: false, warmupSteps: 5 };
