/** Creates the cuda backend or fails the suite with the reason (this suite only runs where a GPU must be). */
import { createCudaBackend, type CudaBackendResult } from '../lib/backend/cuda';

export function requireCuda(options: Parameters<typeof createCudaBackend>[0] = {}): CudaBackendResult {
  try {
    return createCudaBackend(options);
  } catch (e) {
    throw new Error(`test:gpu needs a working cuda backend (an NVIDIA GPU and npm run build:cuda): ${(e as Error).message}`, { cause: e });
  }
}
