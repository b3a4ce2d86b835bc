/**
 * Recorded training steps. The forward and backward pass of a step (everything `valueAndGrads` runs) is
 * recorded on two consecutive batches of the same shape; when both recordings agree (see
 * lib/backend/recorder.ts) later batches of that shape replay the logged kernel calls on the same buffers
 * instead of going through the ops, the tape and tidy scopes again. A step known to be repeatable (built only
 * of the library's own deterministic layers, losses and penalties) is trusted after its first recording. The optimizer update and the metrics run
 * as usual. A replayed step computes exactly what the recorded one did (same kernels, same order, same
 * inputs), so results are bit for bit those of the ordinary path.
 *
 * Where the backend can compile the recorded calls (a CUDA graph on cuda, a native program on cpu), a replay
 * is one call. Dropout draws its masks on the backend (a Philox counter held in a buffer the step reads and
 * advances), so its steps replay too, each with a fresh mask. Steps that read values on the host, or otherwise
 * differ from batch to batch fail the agreement test and keep the ordinary path. `MYELIN_STEP_REPLAY=0` turns
 * replay off.
 */
import { CaptureRefused, capture, difference, discard, record, replay, type Recording } from '../backend/recorder';
import { ReplayRefusals, batchShapes } from '../engine/replay-refusals';
import { scalarSeed, valueAndGrads } from '../autograd/gradients';
import { averageGradientsInProgram } from '../distributed/fit-sync';
import { clone } from '../ops/reshape';
import { keep } from '../tensor/scope';
import { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';

/** The tensors of a recorded step: its input copies and the outputs `valueAndGrads` returned. */
export interface StepTensors {
  x: Tensor;
  y: Tensor;
  w: Tensor | null;
  value: Tensor;
  grads: Tensor[];
  output: Tensor;
  /** The output's time mask [batch, time] (null: none), for the metrics. */
  outputMask: Tensor | null;
  /** True once the compiled program averages `grads` over the ranks of a distributed world itself. */
  gradsAveraged?: boolean;
}

interface Program {
  recording: Recording;
  tensors: StepTensors;
  /**
   * The replay compiled by the backend (a CUDA graph, a native program): undefined until tried, null where
   * the backend cannot compile it (or must not).
   */
  compiled?: unknown | null;
}

/** The rows `idx` of a fit's x and y that make one batch, and the batch's sample weights (if any). */
export interface BatchRows {
  x: Tensor;
  y: Tensor;
  idx: Int32Array;
  w: Tensor | null;
}

/** A step's tensors and the release of the batch copies made for it (call once the step is used up). */
export interface BatchStep {
  step: StepTensors;
  release(): void;
}

const NOTHING_TO_RELEASE = (): void => {};

/** The forward pass of a step: the total loss (differentiated), the model output and its mask (kept for metrics). */
export type StepForward = (x: Tensor, y: Tensor, w: Tensor | null) => { total: Tensor; output: Tensor; mask: Tensor | null };

function copyOf(t: Tensor): Tensor {
  return keep(clone(t));
}

/** A new tensor (kept out of tidy scopes) holding the rows `idx` of `t`. */
function rowsOf(t: Tensor, idx: Int32Array): Tensor {
  const shape = [idx.length, ...t.shape.slice(1)];
  const out = keep(new Tensor(t.backend, t.backend.alloc(idx.length * (t.size / t.shape[0]), false), shape));
  gatherInto(t, idx, out);
  return out;
}

/** A new tensor (kept out of tidy scopes) of `rows` rows shaped like the rows of `t`, zero-filled. */
export function rowsLike(t: Tensor, rows: number): Tensor {
  return keep(new Tensor(t.backend, t.backend.alloc(rows * (t.size / t.shape[0]), true), [rows, ...t.shape.slice(1)]));
}

/** Gathers the rows `idx` of `t` into `out` (idx.length rows). */
function gatherInto(t: Tensor, idx: Int32Array, out: Tensor): void {
  if (out.size > 0) t.backend.gatherRows(t.storage, idx, out.storage, t.size / t.shape[0]);
}

function disposeAll(t: StepTensors): void {
  for (const x of [t.x, t.y, t.w, t.value, t.output, t.outputMask, ...t.grads]) x?.dispose();
}

function replayEnabled(): boolean {
  return process.env.MYELIN_STEP_REPLAY !== '0';
}

/**
 * The recorded calls compiled by the backend (a CUDA graph on cuda, a native program on cpu), so that a
 * replay is one call instead of one per kernel; null where the backend cannot, or MYELIN_STEP_COMPILE=0. A
 * backend that can compile but refuses this step calls `refused` with its reason.
 */
function compileReplay(recording: Recording, refused: (reason: string) => void): unknown | null {
  const { backend } = recording;
  if (backend.compileCalls === undefined || process.env.MYELIN_STEP_COMPILE === '0') return null;
  let compiled: unknown | null;
  try {
    compiled = backend.compileCalls(recording.calls, () => replay(recording));
    if (compiled === null) refused(`the ${backend.name} backend cannot compile one of its calls (an upload, allocation or wait midway, or a kernel a compiled step cannot hold); replayed call by call`);
  } catch (err) {
    compiled = null;  // the plain replay reports whatever is wrong with a call
    refused(`compiling failed (${(err as Error).message}); replayed call by call`);
  }
  return compiled;
}

/** Per-fit cache of recorded steps, one per batch shape. Call `dispose` when the fit ends. */
export class StepRecorder {
  private readonly candidates = new Map<string, Program>();
  private readonly programs = new Map<string, Program>();
  private readonly rejected = new Set<string>();
  /** Why steps were not replayed as captured (`history.params.replayRefusals`). */
  readonly refusals = new ReplayRefusals();

  /**
   * @param forward the forward pass of a step
   * @param repeatable true when the step is known to be a fixed function of its input tensors and the weights
   *   (the library's own deterministic layers, losses and penalties): its first recording becomes the program
   *   without a second one to compare with. False: two consecutive recordings must agree.
   */
  constructor(private readonly forward: StepForward, private readonly repeatable = false) {}

  /**
   * Runs the forward and backward pass for the rows `idx` of x and y, replaying a recorded program when one
   * fits: then the rows are gathered straight into its input buffers. Otherwise they are gathered into new
   * batch tensors (no op, no copy) that the step records (the program keeps them as its inputs) or runs
   * through the ops (`release` frees them then). The returned tensors belong to the recorder: read them, do
   * not dispose them.
   */
  runRows(vars: Variable[], batch: BatchRows): BatchStep {
    const { x, y, idx, w } = batch;
    const rows = idx.length;
    let program = w === null && this.sameVars(vars) ? this.byRows.get(rows) : undefined;
    const key = program === undefined ? this.keyOf(vars, [rows, ...x.shape.slice(1)], [rows, ...y.shape.slice(1)], w) : '';
    if (program === undefined) {
      program = this.programs.get(key);
      if (program && w === null) this.byRows.set(rows, program);
    }
    if (program) {
      const t = program.tensors;
      gatherInto(x, idx, t.x);
      gatherInto(y, idx, t.y);
      this.launch(program, w);
      return { step: t, release: NOTHING_TO_RELEASE };
    }
    this.releaseTransient();
    if (replayEnabled() && this.programs.size > 0 && !this.candidates.has(key) && !this.rejected.has(key)) {
      this.refusals.add('shape', batchShapes([rows, ...x.shape.slice(1)], [rows, ...y.shape.slice(1)], w?.shape ?? null),
        `no recorded step has this batch shape (recorded: ${this.recordedShapes()}); recorded anew`);
    }
    const xb = rowsOf(x, idx);
    let yb: Tensor | null = null;
    try {
      yb = rowsOf(y, idx);
      if (!replayEnabled() || this.rejected.has(key)) {
        const step = this.plain(vars, xb, yb, w);
        const gathered = yb;
        return { step, release: () => { xb.dispose(); gathered.dispose(); } };
      }
      return { step: this.recordRows(key, vars, xb, yb, w), release: NOTHING_TO_RELEASE };
    } catch (err) {
      xb.dispose();
      yb?.dispose();
      throw err;
    }
  }

  /**
   * Records the step of a batch whose x and y tensors the recording takes over as its inputs, and adopts it as
   * the program of `key` when it can be trusted (see the constructor), else keeps it as the candidate that the
   * next recording of the key is compared with.
   */
  private recordRows(key: string, vars: Variable[], x: Tensor, y: Tensor, w: Tensor | null): StepTensors {
    const recorded = this.recordStep(vars, x, y, w);
    const previous = this.candidates.get(key);
    if (previous === undefined && this.repeatable && !recorded.recording.readBack) {
      this.adopt(key, recorded, x.shape[0], w);
      return recorded.tensors;
    }
    if (previous === undefined) {
      this.candidates.set(key, recorded);
      return recorded.tensors;
    }
    this.candidates.delete(key);
    const why = difference(previous.recording, recorded.recording);
    this.drop(previous);
    if (why === null) {
      this.adopt(key, recorded, x.shape[0], w);
    } else {
      this.rejected.add(key);
      this.transient = recorded;
      this.refusals.add('replay', batchShapes(x.shape, y.shape, w?.shape ?? null),
        `two recordings of the step differ (${why}); its steps run through the tape`);
    }
    return recorded.tensors;
  }

  /**
   * The compiled program of unweighted batches of `rows` rows for `vars` (compiled now if it was not yet), or
   * null when there is none or the backend cannot compile it.
   */
  compiledFor(vars: Variable[], rows: number): { compiled: unknown; tensors: StepTensors } | null {
    if (!this.sameVars(vars)) return null;
    const program = this.byRows.get(rows);
    if (program === undefined) return null;
    if (program.compiled === undefined) program.compiled = this.compile(program);
    return program.compiled ? { compiled: program.compiled, tensors: program.tensors } : null;
  }

  /**
   * Captures the step of unweighted batches of `rows` rows shaped like x's and y's rows (the kernel calls are
   * logged, not run: lib/backend/recorder.ts `capture`) and makes it the program of that batch shape, so that even
   * the first batch of the shape runs compiled, off the JavaScript thread, which then computes nothing. Only for
   * steps trusted after one recording (`repeatable`) while replay is on; false when the step is not trusted, was
   * refused before, or reads values back (then it is recorded the ordinary way).
   */
  captureRows(vars: Variable[], rows: number, x: Tensor, y: Tensor): boolean {
    if (!this.repeatable || !replayEnabled()) return false;
    const key = this.keyOf(vars, [rows, ...x.shape.slice(1)], [rows, ...y.shape.slice(1)], null);
    const known = this.programs.get(key);
    if (known) {
      this.byRows.set(rows, known);
      return true;
    }
    if (this.rejected.has(key) || this.candidates.has(key)) return false;
    const px = rowsLike(x, rows);
    const py = rowsLike(y, rows);
    try {
      this.adopt(key, this.recordStep(vars, px, py, null, capture), rows, null);
      return true;
    } catch (err) {
      px.dispose();
      py.dispose();
      if (!(err instanceof CaptureRefused)) throw err;
      this.refusals.add('capture', batchShapes(px.shape, py.shape, null), `${err.message}; recorded while it runs`);
      return false;
    }
  }

  /** Makes a recording the program of its key (and of unweighted batches of `rows` rows for the current variables). */
  private adopt(key: string, recorded: Program, rows: number, w: Tensor | null): void {
    this.programs.set(key, recorded);
    if (w === null) this.byRows.set(rows, recorded);  // keyOf made the step's variables the byRows variables
  }

  /** Copies the batch weights in and runs the program: compiled where the backend can, else call by call. */
  private launch(program: Program, w: Tensor | null): void {
    const t = program.tensors;
    if (w && t.w) w.backend.copyStrided(w.storage, 0, [1], t.w.storage, 0, [1], [w.size], false);
    if (program.compiled === undefined) program.compiled = this.compile(program);
    if (program.compiled) program.recording.backend.runCompiled?.(program.compiled);
    else replay(program.recording);
  }

  /** `compileReplay` of a program, its refusal noted under the program's batch shape. */
  private compile(program: Program): unknown | null {
    const t = program.tensors;
    const compiled = compileReplay(program.recording, (reason) => this.refusals.add('compile', batchShapes(t.x.shape, t.y.shape, t.w?.shape ?? null), reason));
    if (compiled !== null && averageGradientsInProgram(program.recording.backend, compiled, t.grads)) t.gradsAveraged = true;
    return compiled;
  }

  /** The batch shapes of the recorded programs, for messages. */
  private recordedShapes(): string {
    return [...this.programs.values()].map((p) => batchShapes(p.tensors.x.shape, p.tensors.y.shape, p.tensors.w?.shape ?? null)).join('; ');
  }

  private lastVars: Variable[] | null = null;
  private lastVarsKey = '';
  /** Programs of unweighted batches of `runRows` for the variables `lastVars`, by batch rows. */
  private readonly byRows = new Map<number, Program>();

  private sameVars(vars: Variable[]): boolean {
    const last = this.lastVars;
    if (last === null || last.length !== vars.length) return false;
    for (let i = 0; i < vars.length; i++) if (last[i] !== vars[i]) return false;
    return true;
  }

  /** The program key of a batch: its shapes and the variables differentiated (their ids, cached per array). */
  private keyOf(vars: Variable[], xShape: readonly number[], yShape: readonly number[], w: Tensor | null): string {
    if (!this.sameVars(vars)) {
      this.lastVars = vars.slice();
      this.lastVarsKey = vars.map((v) => v.id).join(',');
      this.byRows.clear();
    }
    return `${xShape.join('x')}|${yShape.join('x')}|${w ? w.shape.join('x') : '-'}|${this.lastVarsKey}`;
  }

  /** Releases every recorded program and candidate. */
  dispose(): void {
    this.releaseTransient();
    for (const p of [...this.candidates.values(), ...this.programs.values()]) this.drop(p);
    this.candidates.clear();
    this.programs.clear();
    this.byRows.clear();
  }

  /** Tensors of the last step that no program keeps: released at the next step (or dispose). */
  private transient: Program | null = null;
  private plainLast: Tensor[] | null = null;

  private releaseTransient(): void {
    if (this.transient) this.drop(this.transient);
    this.transient = null;
    this.plainLast?.forEach((t) => t.dispose());
    this.plainLast = null;
  }

  /** The ordinary path; its tensors live until the next step (or dispose). */
  private plain(vars: Variable[], x: Tensor, y: Tensor, w: Tensor | null): StepTensors {
    let output: Tensor | null = null, outputMask: Tensor | null = null;
    const { value, grads } = valueAndGrads(() => {
      const r = this.forward(x, y, w);
      output = keep(r.output);
      outputMask = r.mask === null ? null : keep(r.mask);
      return r.total;
    }, vars);
    const tensors: StepTensors = { x, y, w, value, grads, output: output as unknown as Tensor, outputMask };
    this.plainLast = [value, ...grads, tensors.output, ...(outputMask === null ? [] : [outputMask])];
    return tensors;
  }

  /**
   * Records a step; its program takes `px` and `py` over as its input tensors (the caller's again when this throws)
   * and copies `w`, which the caller keeps.
   */
  private recordStep(vars: Variable[], px: Tensor, py: Tensor, w: Tensor | null, how: typeof record = record): Program {
    const pw = w ? copyOf(w) : null;
    let output: Tensor | null = null, outputMask: Tensor | null = null;
    let recorded: ReturnType<typeof record<ReturnType<typeof valueAndGrads>>>;
    scalarSeed();  // made outside the recording: the program reads the loss's seed gradient, it does not refill it
    try {
      recorded = how(px.backend, () => valueAndGrads(() => {
        const r = this.forward(px, py, pw);
        output = keep(r.output);
        outputMask = r.mask === null ? null : keep(r.mask);
        return r.total;
      }, vars));
    } catch (err) {
      for (const t of [pw, output as Tensor | null, outputMask as Tensor | null]) t?.dispose();  // px and py stay the caller's on failure
      throw err;
    }
    const { result, recording } = recorded;
    keep(result.value);
    result.grads.forEach((g) => keep(g));
    return { recording, tensors: { x: px, y: py, w: pw, value: result.value, grads: result.grads, output: output as unknown as Tensor, outputMask } };
  }

  private drop(p: Program): void {
    if (p.compiled) p.recording.backend.releaseCompiled?.(p.compiled);
    disposeAll(p.tensors);
    discard(p.recording);
  }
}
