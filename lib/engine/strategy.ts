/**
 * The one place that decides how `fit` runs its training steps, once per fit, before the first step, with the
 * reason (reported as `history.params.strategy`, `strategyReason` and `offThread`). In the spirit of Keras's
 * `make_train_function`: the choice is made up front from what the fit needs and what the backend can do.
 *
 * Every strategy but 'tape' goes through the same capture phases per batch shape (lib/models/step-program.ts):
 * record the step through the ops, verify it (a second recording that agrees call for call, or the library's
 * own deterministic layers), then replay it. The strategy names the replay:
 *
 * | strategy          | the steady-state step                                                               |
 * | ----------------- | ----------------------------------------------------------------------------------- |
 * | `native-epochs`   | whole epochs in one backend job (shuffle, gather, program, optimizer, loss): cpu     |
 * | `native-steps`    | runs of batches in one backend job per epoch (cpu; cuda with graphs)                |
 * | `compiled-replay` | one backend call per step (a native program, a CUDA graph), optimizer and metrics in JS |
 * | `replay`          | the recorded kernel calls replayed one by one from JavaScript                        |
 * | `tape`            | the ops and the autograd tape every step                                              |
 *
 * `offThread`: backend jobs run on a native worker thread and JavaScript only awaits them (cpu), so the event
 * loop stays free; otherwise they run on the JavaScript thread in slices of about `yieldEveryMs`.
 */
import type { Backend } from '../backend/backend';

/** The ways `fit` can run its steps, fastest first. */
export type FitStrategy = 'native-epochs' | 'native-steps' | 'compiled-replay' | 'replay' | 'tape';

/** The strategy of one fit and why it was chosen. */
export interface StrategyChoice {
  strategy: FitStrategy;
  /** Native jobs run on a worker thread (the event loop stays free). */
  offThread: boolean;
  /** Why this strategy (and not a faster one). */
  reason: string;
}

/** What the choice depends on. */
export interface FitNeeds {
  backend: Backend;
  /** Callbacks that want every batch (onBatchBegin / onBatchEnd). */
  batchCallbacks: boolean;
  /** Any callback at all (progress logging included). */
  callbacks: boolean;
  metrics: boolean;
  sampleWeights: boolean;
  validation: boolean;
  /** Trainable weights with a constraint (projected by the optimizer in JavaScript after every step). */
  constraints?: boolean;
  /** Dynamic loss scaling (a LossScaleOptimizer): whether each step is applied is decided in JavaScript. */
  lossScaling?: boolean;
  /**
   * Ranks of the distributed world (lib/distributed); > 1: gradients are averaged every step, inside the compiled
   * step where the backend can (Backend.attachGradientSync), else in JavaScript. Default 1.
   */
  worldSize?: number;
}

const env = (name: string): string | undefined => process.env[name];

/** Chooses the strategy of a fit (see the file comment). */
export function chooseStrategy(needs: FitNeeds): StrategyChoice {
  const { backend } = needs;
  const offThread = backend.runTrainingStepsAsync !== undefined && env('MYELIN_OFF_THREAD') !== '0';
  const pick = (strategy: FitStrategy, reason: string, onThread = false): StrategyChoice => ({ strategy, offThread: offThread && !onThread, reason });
  if (env('MYELIN_STEP_REPLAY') === '0') return pick('tape', 'MYELIN_STEP_REPLAY=0', true);
  if (backend.compileCalls === undefined) return pick('replay', `the ${backend.name} backend cannot compile recorded steps`, true);
  if (env('MYELIN_STEP_COMPILE') === '0') return pick('replay', 'MYELIN_STEP_COMPILE=0', true);
  const perBatch: string[] = [];
  if (needs.batchCallbacks) perBatch.push('batch callbacks');
  if (needs.metrics) perBatch.push('metrics');
  if (needs.sampleWeights) perBatch.push('sample or class weights');
  if (needs.constraints) perBatch.push('weight constraints');
  if (needs.lossScaling) perBatch.push('loss scaling (a step with non-finite gradients is skipped)');
  const world = needs.worldSize ?? 1;
  if (world > 1 && backend.attachGradientSync === undefined) {
    return pick('compiled-replay', `a distributed world of ${world} ranks: gradients are all-reduced in JavaScript between backward and optimizer`, true);
  }
  if (backend.runTrainingSteps === undefined) return pick('compiled-replay', `the ${backend.name} backend cannot run steps in one job`, true);
  if (env('MYELIN_NATIVE_STEPS') === '0') return pick('compiled-replay', 'MYELIN_NATIVE_STEPS=0', true);
  if (perBatch.length > 0) return pick('compiled-replay', `${perBatch.join(', ')} need every batch in JavaScript`, true);
  const perEpoch: string[] = [];
  if (needs.callbacks) perEpoch.push('callbacks (verbose > 0 logs progress)');
  if (needs.validation) perEpoch.push('validation');
  if (backend.runTrainingEpochs === undefined) perEpoch.push(`the ${backend.name} backend runs no whole epochs`);
  if (world > 1) perEpoch.push(`a distributed world of ${world} ranks (gradients averaged inside the compiled step; the epoch's logs averaged over the ranks)`);
  if (perEpoch.length > 0) return pick('native-steps', `${perEpoch.join(', ')}: epochs go one by one`);
  return pick('native-epochs', 'no callbacks, metrics, weights or validation');
}
