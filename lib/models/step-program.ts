/**
 * Recorded training steps. The forward and backward pass of a step (everything `valueAndGrads` runs) is
 * recorded on two consecutive batches of the same shape; when both recordings agree (see
 * lib/backend/recorder.ts) later batches of that shape replay the logged kernel calls on the same buffers
 * instead of going through the ops, the tape and tidy scopes again. The optimizer update, the loss read-back
 * and the metrics run as usual. A replayed step computes exactly what the recorded one did (same kernels,
 * same order, same inputs), so results are bit for bit those of the ordinary path.
 *
 * On a device backend with graphs (cuda) the replay is captured once as a graph and later batches launch it
 * in one call. Steps that draw random numbers (dropout), read values on the host, or otherwise differ from batch to
 * batch fail the agreement test and keep the ordinary path. `MYELIN_STEP_REPLAY=0` turns replay off.
 */
import { discard, record, replay, sameStructure, type Recording } from '../backend/recorder';
import { valueAndGrads } from '../autograd/gradients';
import { clone } from '../ops/reshape';
import { keep } from '../tensor/scope';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';

/** The tensors of a recorded step: its input copies and the outputs `valueAndGrads` returned. */
export interface StepTensors {
  x: Tensor;
  y: Tensor;
  w: Tensor | null;
  value: Tensor;
  grads: Tensor[];
  output: Tensor;
}

interface Program {
  recording: Recording;
  tensors: StepTensors;
  /** The replay as one device graph: undefined until tried, null where the backend cannot (or must not). */
  graph?: unknown | null;
}

/** The forward pass of a step: the total loss (differentiated) and the model output (kept for metrics). */
export type StepForward = (x: Tensor, y: Tensor, w: Tensor | null) => { total: Tensor; output: Tensor };

function copyOf(t: Tensor): Tensor {
  return keep(clone(t));
}

function disposeAll(t: StepTensors): void {
  for (const x of [t.x, t.y, t.w, t.value, t.output, ...t.grads]) x?.dispose();
}

function replayEnabled(): boolean {
  return process.env.MYELIN_STEP_REPLAY !== '0';
}

/**
 * The recorded calls captured as one device graph (cuda), so that a replay is one launch instead of one per
 * kernel; null where the backend has no graphs, the capture is refused, or MYELIN_STEP_GRAPHS=0.
 */
function captureReplay(recording: Recording): unknown | null {
  const { backend } = recording;
  if (backend.captureGraph === undefined || process.env.MYELIN_STEP_GRAPHS === '0') return null;
  const graph = backend.captureGraph(() => replay(recording));
  if (graph === null && process.env.MYELIN_DEBUG_REPLAY === '1') console.error('step graph refused: the step uploads, allocates or waits midway');
  return graph;
}

/** Per-fit cache of recorded steps, one per batch shape. Call `dispose` when the fit ends. */
export class StepRecorder {
  private readonly candidates = new Map<string, Program>();
  private readonly programs = new Map<string, Program>();
  private readonly rejected = new Set<string>();

  constructor(private readonly forward: StepForward) {}

  /**
   * Runs the forward and backward pass for a batch, replaying a recorded program when one fits.
   * The returned tensors belong to the recorder: read them, do not dispose them.
   */
  run(vars: Variable[], x: Tensor, y: Tensor, w: Tensor | null): StepTensors {
    const key = `${x.shape.join('x')}|${y.shape.join('x')}|${w ? w.shape.join('x') : '-'}|${vars.map((v) => v.id).join(',')}`;
    const program = this.programs.get(key);
    if (program) {
      const t = program.tensors;
      x.backend.copyStrided(x.storage, 0, [1], t.x.storage, 0, [1], [x.size], false);
      y.backend.copyStrided(y.storage, 0, [1], t.y.storage, 0, [1], [y.size], false);
      if (w && t.w) w.backend.copyStrided(w.storage, 0, [1], t.w.storage, 0, [1], [w.size], false);
      if (program.graph === undefined) program.graph = captureReplay(program.recording);
      if (program.graph) program.recording.backend.launchGraph?.(program.graph);
      else replay(program.recording);
      return t;
    }
    this.releaseTransient();
    if (!replayEnabled() || this.rejected.has(key)) return this.plain(vars, x, y, w);
    const recorded = this.recordStep(vars, x, y, w);
    const previous = this.candidates.get(key);
    if (previous === undefined) {
      this.candidates.set(key, recorded);
      return recorded.tensors;
    }
    this.candidates.delete(key);
    const agree = sameStructure(previous.recording, recorded.recording);
    this.drop(previous);
    if (agree) {
      this.programs.set(key, recorded);
    } else {
      this.rejected.add(key);
      this.transient = recorded;
    }
    return recorded.tensors;
  }

  /** Releases every recorded program and candidate. */
  dispose(): void {
    this.releaseTransient();
    for (const p of [...this.candidates.values(), ...this.programs.values()]) this.drop(p);
    this.candidates.clear();
    this.programs.clear();
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
    let output: Tensor | null = null;
    const { value, grads } = valueAndGrads(() => {
      const r = this.forward(x, y, w);
      output = keep(r.output);
      return r.total;
    }, vars);
    const tensors = { x, y, w, value, grads, output: output as unknown as Tensor };
    this.plainLast = [value, ...grads, tensors.output];
    return tensors;
  }

  private recordStep(vars: Variable[], x: Tensor, y: Tensor, w: Tensor | null): Program {
    const px = copyOf(x);
    const py = copyOf(y);
    const pw = w ? copyOf(w) : null;
    let output: Tensor | null = null;
    let recorded: ReturnType<typeof record<ReturnType<typeof valueAndGrads>>>;
    try {
      recorded = record(x.backend, () => valueAndGrads(() => {
        const r = this.forward(px, py, pw);
        output = keep(r.output);
        return r.total;
      }, vars));
    } catch (err) {
      for (const t of [px, py, pw, output as Tensor | null]) t?.dispose();
      throw err;
    }
    const { result, recording } = recorded;
    keep(result.value);
    result.grads.forEach((g) => keep(g));
    return { recording, tensors: { x: px, y: py, w: pw, value: result.value, grads: result.grads, output: output as unknown as Tensor } };
  }

  private drop(p: Program): void {
    if (p.graph) p.recording.backend.releaseGraph?.(p.graph);
    disposeAll(p.tensors);
    discard(p.recording);
  }
}
