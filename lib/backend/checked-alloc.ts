/** Allocation of tensor storage with failures reported as ResourceError (bytes and shape), not RangeError. */
import * as os from 'os';
import { MyelinError, ResourceError } from '../errors';
import type { Backend } from './backend';

/** Physical memory of the machine: a host tensor larger than this cannot be backed, so it is refused up front. */
const HOST_BYTES = os.totalmem();

function resourceError(owner: string, bytes: number, shape: readonly number[], backend: string, why: string): ResourceError {
  return new ResourceError(
    `${owner}: cannot allocate ${bytes} bytes (${(bytes / 2 ** 30).toFixed(2)} GiB) for a float32 tensor of shape [${shape.join(', ')}] on the ${backend} backend: ${why}`,
    bytes, [...shape]);
}

/**
 * `backend.alloc(size, zeroed)` for a tensor of `shape`. A failure of the host allocator (V8's RangeError
 * "Invalid typed array length" or "Array buffer allocation failed", a native `std::bad_alloc`) becomes a
 * ResourceError naming the bytes and the shape; the library's own typed errors (e.g. the CUDA backend's
 * BackendError `ERR_MYELIN_CUDA_OOM`) pass unchanged. On the host backends (cpu, reference) a tensor
 * larger than the machine's physical memory is refused before trying (the OS could otherwise grant the
 * pages lazily and kill the process when they are touched). Nothing is allocated when it throws.
 */
export function allocChecked<S>(backend: Backend<S>, size: number, shape: readonly number[], zeroed?: boolean, owner = 'alloc'): S {
  const bytes = size * 4;
  if (bytes > HOST_BYTES && backend.name !== 'cuda') {
    throw resourceError(owner, bytes, shape, backend.name, `more than the machine's ${(HOST_BYTES / 2 ** 30).toFixed(1)} GiB of memory`);
  }
  try {
    return backend.alloc(size, zeroed);
  } catch (err) {
    if (err instanceof MyelinError) throw err;
    throw resourceError(owner, bytes, shape, backend.name, (err as Error).message);
  }
}
