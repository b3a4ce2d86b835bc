/**
 * Dataset batches trained in groups off the JavaScript thread: consecutive batches of one size are joined into one
 * tensor and handed to ONE native job (NativeSteps.runAsync) that runs their steps one after the other, while the
 * JavaScript thread reads and parses the batches of the next group. Results are those of the same steps run one by
 * one, in order. One job per batch cost a thread hop and idle BLAS threads per step, so short steps used to stay
 * on the JavaScript thread, where parsing could not overlap them; a group lasts many steps, so both overlap.
 */
import { concat } from '../ops/indexing';
import { clone } from '../ops/reshape';
import { noGrad } from '../autograd/tape';
import type { StepControl } from '../engine/step-control';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { EpochBatches } from './batching';
import type { DeviceLossSum } from './loss-sum';
import type { NativeSteps } from './native-steps';

/** Rows a group gathers before its job starts (fewer for the last group of a pass or a change of batch size). */
export const GROUP_ROWS = 8192;

/** Runs the batches of a group on the JavaScript thread (when they cannot run as one native job). */
export type RunOnThread = (x: Tensor, y: Tensor, batches: EpochBatches) => void;

/**
 * The groups of one fit. `add` stages a copy of a batch and starts the group's job once it
 * holds GROUP_ROWS rows, after the previous job has finished (one job at a time: they update the same weights).
 * `flush` runs what is staged and waits for the last job; `settle` waits without starting anything.
 */
export class StepGroups {
  private xs: Tensor[] = [];
  private ys: Tensor[] = [];
  private rows = 0;
  private batchSize = 0;
  private running: Promise<void> | null = null;

  constructor(private readonly native: NativeSteps, private readonly vars: Variable[], private readonly losses: DeviceLossSum,
    private readonly control: StepControl, private readonly onThread: RunOnThread, private readonly groupRows = GROUP_ROWS) {}

  /** Stages a copy of the batch (x, y); may start a job (and wait for the one before it). */
  async add(x: Tensor, y: Tensor): Promise<void> {
    const n = x.shape[0];
    if (this.xs.length > 0 && n !== this.batchSize) await this.start();
    const [cx, cy] = noGrad(() => [clone(x), clone(y)]);
    this.xs.push(cx);
    this.ys.push(cy);
    this.batchSize = n;
    this.rows += n;
    if (this.rows + n > this.groupRows) await this.start();
  }

  /** Runs every staged batch and waits until the last job has finished. */
  async flush(): Promise<void> {
    await this.start();
    await this.settle();
  }

  /** Waits for the running job, if any (its error, if it failed). */
  async settle(): Promise<void> {
    const job = this.running;
    this.running = null;
    if (job) await job;
  }

  /** Frees the staged batches without running them (the fit is failing). */
  discard(): void {
    for (const t of [...this.xs, ...this.ys]) t.dispose();
    this.xs = [];
    this.ys = [];
    this.rows = 0;
  }

  /** Joins the staged batches and starts their job once the running one has finished. */
  private async start(): Promise<void> {
    if (this.xs.length === 0) return;
    const [xs, ys, rows, size] = [this.xs, this.ys, this.rows, this.batchSize];
    this.xs = [];
    this.ys = [];
    this.rows = 0;
    let x: Tensor;
    let y: Tensor;
    try {
      [x, y] = xs.length === 1 ? [xs[0], ys[0]] : noGrad(() => [concat(xs, 0), concat(ys, 0)]);
    } finally {
      if (xs.length > 1) for (const t of [...xs, ...ys]) t.dispose();
    }
    await this.settle();
    const batches = new EpochBatches(identity(rows), size);
    this.running = this.run(x, y, batches).finally(() => { x.dispose(); y.dispose(); });
    this.running.catch(() => undefined);  // reported by settle
  }

  /** One job for every batch of the group (all of one size); on the JavaScript thread when it cannot run so. */
  private async run(x: Tensor, y: Tensor, batches: EpochBatches): Promise<void> {
    // fewer than batches.count steps run only when the fit's control stopped the job (abort, dispose)
    const ran = await this.native.runAsync(this.vars, batches, 0, x, y, this.losses, this.control);
    if (ran === 0) this.onThread(x, y, batches);
  }
}

const identities = new Map<number, Int32Array>();
/** 0, 1, ..., n - 1 (cached for the few sizes a fit sees; do not write to it). */
export function identity(n: number): Int32Array {
  let order = identities.get(n);
  if (order === undefined) {
    order = Int32Array.from({ length: n }, (_, i) => i);
    if (identities.size < 64) identities.set(n, order);
  }
  return order;
}
