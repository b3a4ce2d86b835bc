/**
 * `fit(dataset, options)` (tfjs's `fitDataset`): training on the batches a Dataset yields, for data that does
 * not fit in memory or comes from a generator. Steps run as in `fit` on arrays (recorded and replayed as backend
 * steps); on the cpu backend consecutive batches go in groups to native jobs on a worker thread, so the JavaScript
 * thread reads and parses the next group meanwhile (lib/models/dataset-step-groups.ts).
 */
import { LossScaleOptimizer, logLossScale } from '../optimizers/loss-scale-optimizer';
import { ValueError, describe } from '../errors';
import { checkModelsAtFitStart, distributedSize } from '../distributed/fit-sync';
import { chooseStrategy } from '../engine/strategy';
import { Dataset } from '../data/dataset';
import { disposeElement } from '../data/batch-stack';
import { CallbackList, type Logs } from '../callbacks/callback';
import { ProgressLogger } from '../callbacks/progress';
import type { EpochBatches } from './batching';
import { evaluateDatasetCompiled, prepareBatch, stepsOption } from './dataset-inference';
import { evaluateCompiledAsync } from './inference-async';
import { prepareXY } from './fit-data';
import { History } from './history';
import { beginFit, closeEpoch, closeFit, intOption, verboseOption } from './fit-session';
import { DeviceLossSum } from './loss-sum';
import { NativeSteps } from './native-steps';
import { StepGroups, identity } from './dataset-step-groups';
import type { FitOptions } from './fit';
import { packData, type ModelData } from './graph-data';
import type { Model } from './model';
import type { Tensor } from '../tensor/tensor';
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

/** Trains `model` on the batches of `dataset` (see {@link FitDatasetOptions}); resolves with the History. */
export async function fitDatasetModel(model: Model, dataset: Dataset, options: FitDatasetOptions = {}): Promise<History> {
  if (!(dataset instanceof Dataset)) throw new ValueError(`fit: dataset must be a my.data.Dataset, got ${describe(dataset)}`);
  checkOptions('fit', options, FIT_DATASET_KEYS);
  const session = beginFit(model, options);
  const { signal, control, checkStop } = session;
  let pass: AsyncIterator<unknown> | null = null;  // one pass per epoch, or with stepsPerEpoch one for every epoch (Keras)
  const closePass = async () => { const p = pass; pass = null; await p?.return?.(undefined); };
  let groups: StepGroups | null = null;  // off-thread (cpu): the batches go to native jobs in groups
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
    /** Steps of the batches of x and y on the JavaScript thread (a group whose steps cannot run natively). */
    const onThread = (gx: Tensor, gy: Tensor, batches: EpochBatches) => {
      for (let g = 0; g < batches.count; g++) deviceLoss.add(trainStep(model.trainableWeights, compiled, recorder, { x: gx, y: gy, idx: batches.rows(g), w: null }), batches.size(g));
    };
    /** Rethrows `err` once the staged batches (those read before it) have trained, as one by one they would have. */
    const trainStagedThenThrow = async (err: unknown): Promise<never> => {
      await groups?.flush().catch(() => undefined);
      throw err;
    };
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
        const r = await (pass as AsyncIterator<unknown>).next().catch(trainStagedThenThrow);  // a generator's error rejects the fit here
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
          let p: ReturnType<typeof prepareBatch>;
          try {
            p = prepareBatch(model, compiled, r.value, where);
          } catch (err) {
            await trainStagedThenThrow(err);
            throw err;
          }
          try {
            if (native === undefined) {
              checkModelsAtFitStart(model.weights);  // a distributed world (the model is built now): the same model everywhere
              const choice = chooseStrategy({ backend: p.x.backend, batchCallbacks: batchHooks, callbacks: false, metrics: compiled.metrics.length > 0, sampleWeights: false, validation: false, worldSize: distributedSize(),
                lossScaling: compiled.optimizer instanceof LossScaleOptimizer });
              native = (choice.strategy === 'native-epochs' || choice.strategy === 'native-steps') && choice.offThread ? new NativeSteps(p.x.backend, recorder, compiled.optimizer, yieldMs) : null;
              history.params = { ...history.params, strategy: native ? 'native-steps' : choice.strategy, strategyReason: `batches from a Dataset; ${choice.reason}`, offThread: native !== null };
              if (native) {
                groups = new StepGroups(native, model.trainableWeights, deviceLoss, control, onThread);
                p.x.backend.reserveCores?.(1);  // the JavaScript thread parses while the jobs run (see Backend.reserveCores)
              }
            }
            if (batchHooks) await callbacks.batchBegin(b, { batch: b, size: p.n });
            if (groups) {
              await groups.add(p.x, p.y);
              checkStop();
            } else {
              const loss = trainStep(model.trainableWeights, compiled, recorder, { x: p.x, y: p.y, idx: identity(p.n), w: null });
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
          logLossScale(compiled.optimizer, logs);
          await callbacks.batchEnd(b, logs);
        }
        if (model.stopTraining) break;
        if (Date.now() - lastYield >= yieldMs) { await new Promise<void>((resolve) => setImmediate(resolve)); lastYield = Date.now(); }
        checkStop();
      }
      await groups?.flush();
      checkStop();
      if (seen === 0) break;
      history.params = { ...history.params, steps: stepsPerEpoch ?? batches, samples: seen };
      if (!batchHooks) await backend?.settleAsync?.();
      checkStop();
      const logs: Logs = { loss: batchHooks ? lossSum / seen : deviceLoss.mean() };
      for (const m of compiled.metrics) logs[m.name] = m.result();
      logLossScale(compiled.optimizer, logs);
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
    const g = groups as StepGroups | null;
    if (g !== null) {
      g.discard();  // batches staged when the fit failed or was stopped are not trained
      await g.settle().catch(() => undefined);  // no job touches the weights once the fit has returned
      model.weights[0]?.backend.reserveCores?.(0);
    }
    await closePass().catch(() => undefined);  // a failing source's own cleanup never hides the fit's outcome
    session.end();
  }
}
