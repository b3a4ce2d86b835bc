/**
 * `fit(dataset, options)` (tfjs's `fitDataset`): training on the batches a Dataset yields, for data that does
 * not fit in memory or comes from a generator. Steps run as in `fit` on arrays (recorded and replayed as backend
 * steps); on the cpu backend a long step (>= 20 ms) goes to a native worker thread, so the JavaScript thread reads
 * and parses the next batches meanwhile, and shorter ones run on the JavaScript thread (see StepPlacement).
 */
import { ValueError, describe } from '../errors';
import { chooseStrategy } from '../engine/strategy';
import { Dataset } from '../data/dataset';
import { disposeElement } from '../data/batch-stack';
import { CallbackList, type Logs } from '../callbacks/callback';
import { ProgressLogger } from '../callbacks/progress';
import { EpochBatches } from './batching';
import { evaluateDatasetCompiled, prepareBatch, stepsOption } from './dataset-inference';
import { evaluateCompiledAsync } from './inference-async';
import { prepareXY } from './fit-data';
import { History } from './history';
import { beginFit, closeEpoch, closeFit, intOption, verboseOption } from './fit-session';
import { DeviceLossSum } from './loss-sum';
import { NativeSteps } from './native-steps';
import type { FitOptions } from './fit';
import { packData, type ModelData } from './graph-data';
import type { Model } from './model';
import type { StepControl } from '../engine/step-control';
import type { Tensor } from '../tensor/tensor';
import type { Variable } from '../tensor/variable';
import { stepRecorder, trainStep } from './step';
import { checkOptions, optionKeys } from '../options/strict';

/** Code of the warning of a dataset that ran out before `stepsPerEpoch * epochs` batches. */
export const DATA_EXHAUSTED_WARNING_CODE = 'MYELIN_DATA_EXHAUSTED';

/** Options of `fit(dataset, options)`. */
export interface FitDatasetOptions extends Pick<FitOptions, 'epochs' | 'initialEpoch' | 'verbose' | 'callbacks' | 'progressStream' | 'yieldEveryMs' | 'signal'> {
  /**
   * Batches per epoch. Default: each epoch is one pass over the dataset. When given, one pass is shared by all
   * epochs (Keras's `steps_per_epoch`): a dataset that ends first stops the training with a warning (code
   * {@link DATA_EXHAUSTED_WARNING_CODE}); use `dataset.repeat()` for endless data.
   */
  stepsPerEpoch?: number;
  /** Validation data: a Dataset of batches or [xVal, yVal]. Evaluated after the epochs `validationFreq` names. */
  validationData?: Dataset | [ModelData, ModelData];
  /** Batches of validation data per evaluation (default: all of a new pass). */
  validationSteps?: number;
  /** Validate every `validationFreq` epochs (default 1), or after the (1-based) epochs listed. */
  validationFreq?: number | number[];
  /** Batch size of array validation data (default 32). */
  validationBatchSize?: number;
}

/** The keys of FitDatasetOptions. */
const FIT_DATASET_KEYS = optionKeys<FitDatasetOptions>({
  epochs: true, initialEpoch: true, verbose: true, callbacks: true, progressStream: true, yieldEveryMs: true, signal: true,
  stepsPerEpoch: true, validationData: true, validationSteps: true, validationFreq: true, validationBatchSize: true,
});

function validationDue(freq: unknown): (epoch: number) => boolean {
  if (freq === undefined) return () => true;
  if (typeof freq === 'number' && Number.isInteger(freq) && freq >= 1) return (e) => (e + 1) % freq === 0;
  if (Array.isArray(freq) && freq.every((f) => typeof f === 'number' && Number.isInteger(f) && f >= 1)) return (e) => freq.includes(e + 1);
  throw new ValueError(`fit: validationFreq must be an integer >= 1 or an array of epoch numbers (1-based), got ${describe(freq)}`);
}

const identities = new Map<number, EpochBatches>();
/** One batch of all n rows in order (a dataset batch handed to the backend's step runner). */
function wholeBatch(n: number): EpochBatches {
  let b = identities.get(n);
  if (b === undefined) {
    b = new EpochBatches(Int32Array.from({ length: n }, (_, i) => i), n);
    if (identities.size < 64) identities.set(n, b);
  }
  return b;
}

/**
 * A step shorter than this (ms) runs on the JavaScript thread. A worker-thread job per batch costs a thread hop and,
 * measured here (2 loaded cores), BLAS threads that spin between short jobs: one epoch of 60k rows with a
 * 32-256-256-1 MLP took 36 s and 21.8 CPU s with every step on the worker, 1.4 s and 1.1 CPU s on the JS thread.
 */
const SHORT_STEP_MS = 20;
/** Steps between two timings of the step on the JavaScript thread. */
const PROBE_EVERY = 256;

/**
 * Where each dataset batch's backend step runs: on a worker thread (the JavaScript thread reads and parses the next
 * batches meanwhile) when a step takes SHORT_STEP_MS or more, else on the JavaScript thread (timers and file reads
 * a prefetch started still progress during the step). The step is timed on the JavaScript thread at the start and
 * every PROBE_EVERY steps; the smaller of the last two timings counts, so one preempted timing does not move it.
 */
class StepPlacement {
  private stepMs = -1;
  private lastMs = Infinity;
  private sinceProbe = 0;

  /** Runs one batch of all rows of x and y; resolves with the steps run (0: not as a backend step). */
  async run(native: NativeSteps, vars: Variable[], x: Tensor, y: Tensor, losses: DeviceLossSum, control: StepControl): Promise<number> {
    const batch = wholeBatch(x.shape[0]);
    if (this.stepMs >= SHORT_STEP_MS && this.sinceProbe++ < PROBE_EVERY) return native.runAsync(vars, batch, 0, x, y, losses, control);
    const t0 = process.hrtime.bigint();
    const ran = native.run(vars, batch, 0, x, y, losses);
    if (ran > 0) {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      this.stepMs = Math.min(ms, this.lastMs);
      this.lastMs = ms;
      this.sinceProbe = 0;
    }
    return ran;
  }
}

/** Trains `model` on the batches of `dataset` (see {@link FitDatasetOptions}); resolves with the History. */
export async function fitDatasetModel(model: Model, dataset: Dataset, options: FitDatasetOptions = {}): Promise<History> {
  if (!(dataset instanceof Dataset)) throw new ValueError(`fit: dataset must be a my.data.Dataset, got ${describe(dataset)}`);
  checkOptions('fit', options, FIT_DATASET_KEYS);
  const session = beginFit(model, options);
  const { signal, control, checkStop } = session;
  let pass: AsyncIterator<unknown> | null = null;  // one pass per epoch, or with stepsPerEpoch one for every epoch (Keras)
  const closePass = async () => { const p = pass; pass = null; await p?.return?.(undefined); };
  try {
    const compiled = model.requireCompiled('fit');
    const epochs = intOption(options.epochs, 'epochs', 1, 1);
    const initialEpoch = intOption(options.initialEpoch, 'initialEpoch', 0, 0);
    const stepsPerEpoch = stepsOption(options.stepsPerEpoch, 'fit', 'stepsPerEpoch');
    const validationSteps = stepsOption(options.validationSteps, 'fit', 'validationSteps');
    const validationBatch = intOption(options.validationBatchSize, 'validationBatchSize', 1, 32);
    const due = validationDue(options.validationFreq);
    const verbose = verboseOption(options.verbose);
    const yieldMs = options.yieldEveryMs ?? 10;
    const vd = options.validationData;
    let valArrays: ReturnType<typeof prepareXY> | null = null;
    if (vd !== undefined && !(vd instanceof Dataset)) {
      if (!Array.isArray(vd) || vd.length < 2) throw new ValueError(`fit: validationData must be a Dataset or [xVal, yVal], got ${describe(vd)}`);
      const packed = packData(model, vd[0], vd[1], 'fit: validationData');
      session.cleanups.push(packed.dispose);
      valArrays = prepareXY(model, compiled, packed.x, packed.y, 'fit: validationData');
      session.cleanups.push(valArrays.dispose);
    }

    const history = new History();
    const extra = options.callbacks === undefined ? [] : Array.isArray(options.callbacks) ? options.callbacks : [options.callbacks];
    const hooks: unknown[] = [...extra];
    if (verbose > 0) hooks.push(new ProgressLogger({ verbose, epochs, stepsPerEpoch: stepsPerEpoch ?? 0, stream: options.progressStream }));
    const callbacks = new CallbackList(hooks, model);
    const batchHooks = callbacks.wantsBatches;
    const backend = model.weights[0]?.backend ?? null;
    const recorder = stepRecorder(model, compiled);
    session.cleanups.push(() => recorder.dispose());
    const deviceLoss = new DeviceLossSum();
    session.cleanups.push(() => deviceLoss.dispose());
    let native: NativeSteps | null | undefined;  // settled at the first batch, once the model is built
    const placement = new StepPlacement();
    // steps and samples: stepsPerEpoch (or the batches of the last epoch) and the samples of the last epoch.
    history.params = { epochs, steps: stepsPerEpoch ?? 0, samples: 0, strategy: 'compiled-replay', strategyReason: 'batches from a Dataset', offThread: false,
      replayRefusals: recorder.refusals.list };

    let exhausted = false;
    let lastYield = Date.now();
    const began = callbacks.trainBegin({});
    if (began) await began;
    for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining && !exhausted; epoch++) {
      const epochBegan = callbacks.epochBegin(epoch, {});
      if (epochBegan) await epochBegan;
      checkStop();
      for (const m of compiled.metrics) m.reset();
      deviceLoss.reset();
      if (stepsPerEpoch === undefined || pass === null) { await closePass(); pass = dataset[Symbol.asyncIterator](); }
      let lossSum = 0;
      let seen = 0;
      let b = 0;
      let size = 0;
      let batches = 0;
      for (; stepsPerEpoch === undefined || b < stepsPerEpoch; b++) {
        const r = await (pass as AsyncIterator<unknown>).next();  // a generator's error rejects the fit here
        checkStop();
        if (r.done) {
          if (stepsPerEpoch !== undefined) {
            exhausted = true;
            process.emitWarning(`fit: the dataset ran out of data after ${epoch - initialEpoch} epochs and ${b} batches while stepsPerEpoch ${stepsPerEpoch} asks for ${stepsPerEpoch * (epochs - initialEpoch)} batches in all; training stopped. Make the dataset yield at least stepsPerEpoch * epochs batches, e.g. with dataset.repeat().`,
              { type: 'MyelinWarning', code: DATA_EXHAUSTED_WARNING_CODE });
          } else if (b === 0) {
            throw new ValueError(`fit: the dataset yielded no batches in epoch ${epoch + 1}`);
          }
          break;
        }
        const where = `fit: batch ${b} of epoch ${epoch + 1}`;
        try {
          const p = prepareBatch(model, compiled, r.value, where);
          try {
            if (native === undefined) {
              const choice = chooseStrategy({ backend: p.x.backend, batchCallbacks: batchHooks, callbacks: false, metrics: compiled.metrics.length > 0, sampleWeights: false, validation: false });
              native = (choice.strategy === 'native-epochs' || choice.strategy === 'native-steps') && choice.offThread ? new NativeSteps(p.x.backend, recorder, compiled.optimizer, yieldMs) : null;
              history.params = { ...history.params, strategy: native ? 'native-steps' : choice.strategy, strategyReason: `batches from a Dataset; ${choice.reason}`, offThread: native !== null };
            }
            if (batchHooks) await callbacks.batchBegin(b, { batch: b, size: p.n });
            const ran = native ? await placement.run(native, model.trainableWeights, p.x, p.y, deviceLoss, control) : 0;
            checkStop();
            if (ran === 0) {
              const loss = trainStep(model.trainableWeights, compiled, recorder, { x: p.x, y: p.y, idx: wholeBatch(p.n).order, w: null });
              if (batchHooks) lossSum += loss.dataSync()[0] * p.n;
              else deviceLoss.add(loss, p.n);
            }
            seen += p.n;
            size = p.n;
            batches++;
          } finally {
            p.dispose();
          }
        } finally {
          disposeElement(r.value);
        }
        if (batchHooks) {
          const logs: Logs = { batch: b, size, loss: lossSum / seen };
          for (const m of compiled.metrics) logs[m.name] = m.result();
          await callbacks.batchEnd(b, logs);
        }
        if (model.stopTraining) break;
        if (Date.now() - lastYield >= yieldMs) { await new Promise<void>((resolve) => setImmediate(resolve)); lastYield = Date.now(); }
        checkStop();
      }
      if (seen === 0) break;
      history.params = { ...history.params, steps: stepsPerEpoch ?? batches, samples: seen };
      if (!batchHooks) await backend?.settleAsync?.();
      checkStop();
      const logs: Logs = { loss: batchHooks ? lossSum / seen : deviceLoss.mean() };
      for (const m of compiled.metrics) logs[m.name] = m.result();
      let val = null;
      if (vd !== undefined && due(epoch)) {
        val = vd instanceof Dataset
          ? await evaluateDatasetCompiled(model, compiled, vd, validationSteps, 'fit: validationData')
          : await evaluateCompiledAsync(model, compiled, (valArrays as NonNullable<typeof valArrays>).x, (valArrays as NonNullable<typeof valArrays>).y, validationBatch, control, signal, 'fit');
        checkStop();
      }
      await closeEpoch(callbacks, history, epoch, logs, val);
      checkStop();
    }
    return await closeFit(session, callbacks, history, extra);
  } finally {
    await closePass().catch(() => undefined);  // a failing source's own cleanup never hides the fit's outcome
    session.end();
  }
}
