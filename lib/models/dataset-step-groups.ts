/**
 * Dataset batches trained in groups off the JavaScript thread: consecutive batches of one size are joined into one
 * tensor and handed to ONE native job (NativeSteps.runAsync) that runs their steps one after the other, while the
 * JavaScript thread reads and parses the batches of the next group (those that come while the job runs). Results are those of the same steps run one by
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

/** Most rows a group gathers while the job before it runs (fewer when the jobs keep up with the batches). */
export const GROUP_ROWS = 8192;

/** Runs the batches of a group on the JavaScript thread (when they cannot run as one native job). */
export type RunOnThread = (x: Tensor, y: Tensor, batches: EpochBatches) => void;

/**
 * The groups of one fit. `add` stages a copy of a batch; a job starts as soon as none is running, with every batch
 * staged meanwhile (one job at a time: they update the same weights). So the first step starts with the first batch
 * and a slow source (a generator that waits, a parser) never waits for a group to fill, while a fast one makes
 * groups of up to `groupRows` rows, where `add` waits for the running job (backpressure: memory stays bounded).
 * `flush` runs what is staged and waits for the last job; `settle` waits without starting anything.
 */
export class StepGroups {
  private xs: Tensor[] = [];
  private ys: Tensor[] = [];
  private rows = 0;
  private batchSize = 0;
  /** The running job and, chained to it, the start of the next group (null: idle). */
  private running: Promise<void> | null = null;
  private busy = false;

  constructor(private readonly native: NativeSteps, private readonly vars: Variable[], private readonly losses: DeviceLossSum,
    private readonly control: StepControl, private readonly onThread: RunOnThread, private readonly groupRows = GROUP_ROWS) {}

  /** Stages a copy of the batch (x, y); starts a job when none runs, or waits for the running one when full. */
  async add(x: Tensor, y: Tensor): Promise<void> {
    const n = x.shape[0];
    if (this.xs.length > 0 && n !== this.batchSize) await this.start();  // a group holds batches of one size
    const [cx, cy] = noGrad(() => [clone(x), clone(y)]);
    this.xs.push(cx);
    this.ys.push(cy);
    this.batchSize = n;
    this.rows += n;
    if (!this.busy) this.launch();
    else if (this.rows + n > this.groupRows) await this.start();
  }

  /** Runs every staged batch and waits until the last job has finished. */
  async flush(): Promise<void> {
    await this.start();
    await this.settle();
  }

  /** Waits for the running job and those chained to it, if any (the error of one that failed). */
  async settle(): Promise<void> {
    for (let job = this.running; job !== null; job = this.running) {
      try {
        await job;
      } finally {
        if (this.running === job) this.running = null;
      }
    }
  }

  /** Frees the staged batches without running them (the fit is failing). */
  discard(): void {
    for (const t of [...this.xs, ...this.ys]) t.dispose();
    this.xs = [];
    this.ys = [];
    this.rows = 0;
  }

  /** Starts the staged batches once the running job has finished (the job's end may have started them already). */
  private async start(): Promise<void> {
    if (this.xs.length === 0) return;
    const job = this.running;
    if (job !== null) await job;
    if (this.xs.length > 0 && !this.busy) this.launch();
  }

  /** Joins the staged batches into one job, which starts the batches staged meanwhile when it ends. */
  private launch(): void {
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
    this.busy = true;
    const job: Promise<void> = this.run(x, y, new EpochBatches(identity(rows), size))
      .finally(() => { x.dispose(); y.dispose(); this.busy = false; })
      .then(() => { if (this.running === job && this.xs.length > 0) this.launch(); });
    this.running = job;
    job.catch(() => undefined);  // reported by settle
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
