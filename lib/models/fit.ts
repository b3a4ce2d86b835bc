/** The training loop of `Model.fit` on arrays. */
import { LossScaleOptimizer, logLossScale } from '../optimizers/loss-scale-optimizer';
import { ValueError, describe } from '../errors';
import type { AbortSignalLike } from '../engine/abort';
import { chooseStrategy } from '../engine/strategy';
import { checkFiniteAsync } from '../engine/finite-check';
import { checkLabelsAsync } from '../engine/label-check';
import { tensor } from '../ops/creation';
import { generatorFor, Random } from '../tensor/random';
import type { Tensor } from '../tensor/tensor';
import { CallbackList, type Logs } from '../callbacks/callback';
import { ProgressLogger, type ProgressStream } from '../callbacks/progress';
import { makeBatches, pick } from './batching';
import { evaluateCompiledAsync } from './inference-async';
import { classWeights, prepareXY, splitTail, type Prepared } from './fit-data';
import { History } from './history';
import { beginFit, closeEpoch, closeFit, intOption, verboseOption } from './fit-session';
import { DeviceLossSum } from './loss-sum';
import { NativeSteps } from './native-steps';
import { toSampleWeights, type InputData } from './input-data';
import type { Model } from './model';
import { checkOptions, optionKeys } from '../options/strict';
import { stepRecorder, trainStep } from './step';
import { checkModelsAtFitStart, distributedSize } from '../distributed/fit-sync';

/** Options of `fit`. */
export interface FitOptions {
  /** Number of passes over the data. Default 1. */
  epochs?: number;
  /** Samples per gradient step; >= the number of samples gives full-batch gradient descent. Default 32. */
  batchSize?: number;
  /** Reshuffle the training samples before each epoch. Default true. */
  shuffle?: boolean;
  /** Seed of the shuffling; default: the global generator (`setSeed`). */
  seed?: number;
  /**
   * Fraction in [0, 1) of the samples used as validation data, taken from the end before shuffling: the first
   * floor(n * (1 - validationSplit)) rows train, as Keras 3's `train_validation_split`.
   */
  validationSplit?: number;
  /**
   * Validation data [x, y] (takes precedence over validationSplit); for a graph model each as its fit data (an array
   * or an object keyed by input / output name).
   */
  validationData?: [InputData | InputData[] | Record<string, InputData>, InputData | InputData[] | Record<string, InputData>];
  /** Epoch to start from (history and callbacks count from it). Default 0. */
  initialEpoch?: number;
  /** Weight of each class in the loss, { classIndex: weight } (missing classes weigh 1). */
  classWeight?: Record<number, number>;
  /** Weight of each training sample in the loss (n values >= 0). */
  sampleWeight?: ArrayLike<number> | Tensor;
  /** 0 silent, 1 progress bar (one line per epoch without a TTY), 2 one line per epoch. Default 1. */
  verbose?: 0 | 1 | 2;
  /** Callbacks (instances of my.callbacks.* or objects with onEpochEnd / onBatchEnd / ... methods). */
  callbacks?: unknown[] | unknown;
  /** Where progress goes (default process.stdout). */
  progressStream?: ProgressStream;
  /**
   * Longest time (ms) fit runs on the JavaScript thread without yielding to the event loop, where steps run on
   * that thread (recorded steps, callbacks per batch, backends without off-thread jobs). Default 10.
   */
  yieldEveryMs?: number;
  /**
   * Aborts the fit: it rejects with an error named 'AbortError' (as `fetch`) within one training step, and the
   * model keeps the weights of the last finished step. `model.stopTraining = true` ends the fit the same way but
   * resolves with the history so far.
   */
  signal?: AbortSignalLike;
}

/** The keys of FitOptions (unknown keys are rejected: lib/options/strict.ts). */
const FIT_KEYS = optionKeys<FitOptions>({
  epochs: true, batchSize: true, shuffle: true, seed: true, validationSplit: true, validationData: true, initialEpoch: true, classWeight: true,
  sampleWeight: true, verbose: true, callbacks: true, progressStream: true, yieldEveryMs: true, signal: true,
});

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Trains `model` (see `FitOptions`). Each epoch: shuffle, then per batch one `trainStep` (recorded steps are
 * replayed, lib/models/step-program.ts), or, for runs of same-size batches when nothing needs the batches one
 * by one, one backend call for the whole run (lib/models/native-steps.ts); the results are the same. The
 * epoch's 'loss' is the batch losses (with regularization penalties) averaged with batch sizes as weights, as
 * Keras, read from the backend once per epoch unless batch callbacks want it per batch; validation runs in
 * inference mode after the epoch. Without callbacks and validation, once each batch size has run, whole epochs
 * go to the backend at once (lib/models/native-steps.ts). How the steps run is chosen once, up front
 * (lib/engine/strategy.ts), and reported in `history.params`. Backend jobs run on a native worker thread where the
 * backend can (cpu), so the event loop stays free; code on the JavaScript thread yields at least every
 * `yieldEveryMs`. An abort (`signal`) rejects with an AbortError within one step; disposing the model while it
 * trains rejects with a DisposedError and frees it once the fit has stopped. A failure leaves the model usable
 * (weights as of the last finished step).
 */
export async function fitModel(model: Model, x: InputData, y: InputData, options: FitOptions = {}): Promise<History> {
  checkOptions('fit', options, FIT_KEYS);
  const session = beginFit(model, options);
  const { signal, control, cleanups, checkStop } = session;
  try {
    const compiled = model.requireCompiled('fit');
    const epochs = intOption(options.epochs, 'epochs', 1, 1);
    const batchSize = intOption(options.batchSize, 'batchSize', 1, 32);
    const initialEpoch = intOption(options.initialEpoch, 'initialEpoch', 0, 0);
    const verbose = verboseOption(options.verbose);
    const shuffle = options.shuffle ?? true;
    if (typeof shuffle !== 'boolean') throw new ValueError(`fit: shuffle must be a boolean, got ${describe(shuffle)}`);
    if (options.seed !== undefined && (typeof options.seed !== 'number' || !Number.isFinite(options.seed))) throw new ValueError(`fit: seed must be a finite number, got ${describe(options.seed)}`);
    const split = options.validationSplit ?? 0;
    if (typeof split !== 'number' || !(split >= 0 && split < 1)) throw new ValueError(`fit: validationSplit must be a number in [0, 1), got ${describe(split)}`);
    const yieldMs = options.yieldEveryMs ?? 10;

    const all = prepareXY(model, compiled, x, y, 'fit', true);
    cleanups.push(all.dispose);
    await checkFiniteAsync(all.x, 'fit: x', control);  // off the JS thread where the backend can
    checkStop();
    await checkLabelsAsync(all.y, all.labelCheck, control);  // in parts, with turns of the event loop between
    checkStop();
    let weights = toSampleWeights(options.sampleWeight, all.n, 'fit: sampleWeight');
    if (compiled.heads && options.classWeight !== undefined) throw new ValueError('fit: classWeight applies to a model of one output; weight the outputs with compile({ lossWeights }) or pass sampleWeight');
    const cw = classWeights(options.classWeight, all.y, compiled.loss.name);
    if (cw) weights = weights ? weights.map((w, i) => w * cw[i]) : cw;

    let train: Prepared = all;
    let val: Prepared | null = null;
    if (options.validationData !== undefined) {
      const vd = options.validationData;
      if (!Array.isArray(vd) || vd.length < 2) throw new ValueError(`fit: validationData must be [xVal, yVal], got ${describe(vd)}`);
      val = prepareXY(model, compiled, vd[0], vd[1], 'fit: validationData', true);
      cleanups.push(val.dispose);
      await checkFiniteAsync(val.x, 'fit: validationData: x', control);
      checkStop();
      await checkLabelsAsync(val.y, val.labelCheck, control);
      checkStop();
    } else if (split > 0) {
      const parts = splitTail(all, split);
      cleanups.push(parts.train.dispose, parts.val.dispose);
      train = parts.train;
      val = parts.val;
      if (weights) weights = weights.subarray(0, train.n);
    }

    checkModelsAtFitStart(model.weights, Math.ceil(train.n / batchSize));  // a distributed world: the same model and steps everywhere
    const history = new History();
    const stepsPerEpoch = Math.ceil(train.n / batchSize);
    const extra = options.callbacks === undefined ? [] : Array.isArray(options.callbacks) ? options.callbacks : [options.callbacks];
    const hooks: unknown[] = [...extra];
    if (verbose > 0) hooks.push(new ProgressLogger({ verbose, epochs, stepsPerEpoch, stream: options.progressStream }));
    const callbacks = new CallbackList(hooks, model);
    const batchHooks = callbacks.wantsBatches;
    const rng: Random | null = shuffle ? (options.seed === undefined ? generatorFor() : new Random(options.seed)) : null;

    const backend = train.x.backend;
    const choice = chooseStrategy({ backend, batchCallbacks: batchHooks, callbacks: callbacks.callbacks.length > 0,
      metrics: compiled.metrics.length > 0, sampleWeights: weights !== null, validation: val !== null,
      constraints: model.trainableWeights.some((v) => v.constraint !== null), worldSize: distributedSize(),
      lossScaling: compiled.optimizer instanceof LossScaleOptimizer });
    history.params = { epochs, steps: stepsPerEpoch, samples: train.n, strategy: choice.strategy, strategyReason: choice.reason, offThread: choice.offThread };
    if (process.env.MYELIN_DEBUG_REPLAY === '1') console.error(`fit strategy: ${choice.strategy}${choice.offThread ? ' (off the JS thread)' : ''}: ${choice.reason}`);

    const recorder = stepRecorder(model, compiled);
    cleanups.push(() => recorder.dispose());
    history.params.replayRefusals = recorder.refusals.list;  // filled as the fit goes
    // Without batch callbacks the batch losses are summed on the backend and read once per epoch.
    const deviceLoss = new DeviceLossSum();
    cleanups.push(() => deviceLoss.dispose());
    // Runs of same-size batches handed to the backend at once (cpu, cuda), when nothing needs the batches one by one.
    const native = choice.strategy === 'native-steps' || choice.strategy === 'native-epochs'
      ? new NativeSteps(backend, recorder, compiled.optimizer, yieldMs) : null;
    // With no callbacks (verbose 0) and no validation nothing needs the epochs one by one either: once every
    // batch size has a program, whole epochs run in one backend call.
    const wholeEpochs = native !== null && choice.strategy === 'native-epochs';
    const offThread = choice.offThread;
    let lastYield = Date.now();
    // Awaited only when due (an await costs a microtask even when nothing is pending).
    const yieldDue = (): boolean => Date.now() - lastYield >= yieldMs;
    const yieldNow = async (): Promise<void> => {
      await yieldToEventLoop();
      lastYield = Date.now();
    };
    const began = callbacks.trainBegin({});
    if (began) await began;
    for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
      if (wholeEpochs) {
        if (offThread) {
          const done = await native.runEpochsAsync(model.trainableWeights, batchSize, rng, epochs - epoch, train.x, train.y, control);
          checkStop();
          if (done !== null) {
            for (let e = 0; e < done.losses.length; e++) history.record(epoch + e, { loss: done.losses[e] });
            if (done.losses.length === 0) break;  // stopTraining within the first epoch of the job
            epoch += done.losses.length - 1;
            if (done.steps % stepsPerEpoch !== 0) break;  // stopped within an epoch: stopTraining
            continue;
          }
        } else {
          const losses = native.runEpochs(model.trainableWeights, batchSize, rng, epochs - epoch, train.x, train.y);
          if (losses !== null) {
            for (let e = 0; e < losses.length; e++) history.record(epoch + e, { loss: losses[e] });
            epoch += losses.length - 1;
            if (yieldDue()) await yieldNow();
            checkStop();
            continue;
          }
        }
      }
      const epochBegan = callbacks.epochBegin(epoch, {});
      if (epochBegan) await epochBegan;
      checkStop();
      for (const m of compiled.metrics) m.reset();
      deviceLoss.reset();
      let lossSum = 0;
      let seen = 0;
      const batches = makeBatches(train.n, batchSize, rng);
      let queued: Promise<void> | null = null;
      // Read once per epoch: a change of a layer's trainable flag takes effect at the next epoch.
      const vars = model.trainableWeights;
      for (let b = 0; b < batches.count; b++) {
        let ran = 0;
        if (native && offThread) {
          ran = await native.runAsync(vars, batches, b, train.x, train.y, deviceLoss, control);
          checkStop();
        } else if (native) {
          ran = native.run(vars, batches, b, train.x, train.y, deviceLoss);
          if (ran > 0 && backend.settleAsync) {
            // A GPU backend returns before its work is done: wait (off the JS thread) for the run before this one,
            // so that at most two runs are queued and the host never blocks on a full queue.
            const previous = queued;
            queued = backend.settleAsync();
            if (previous) await previous;
            checkStop();
          }
        }
        if (ran > 0) {
          seen += ran * batches.size(b);
          b += ran - 1;
          if (model.stopTraining) break;
          if (yieldDue()) await yieldNow();
          checkStop();
          continue;
        }
        const idx = batches.rows(b);
        if (batchHooks) await callbacks.batchBegin(b, { batch: b, size: idx.length });
        const wb = weights ? tensor(pick(weights, idx)) : null;
        try {
          const batchLoss = trainStep(vars, compiled, recorder, { x: train.x, y: train.y, idx, w: wb });
          if (batchHooks) lossSum += batchLoss.dataSync()[0] * idx.length;
          else deviceLoss.add(batchLoss, idx.length);
        } finally {
          wb?.dispose();
        }
        seen += idx.length;
        if (batchHooks) {
          const logs: Logs = { batch: b, size: idx.length, loss: lossSum / seen };
          for (const m of compiled.metrics) logs[m.name] = m.result();
          logLossScale(compiled.optimizer, logs);
          await callbacks.batchEnd(b, logs);
        }
        if (model.stopTraining) break;
        if (yieldDue()) await yieldNow();
        checkStop();
      }
      if (!batchHooks) await backend.settleAsync?.();  // the epoch's losses are read next: wait off the JS thread
      checkStop();
      const logs: Logs = { loss: batchHooks ? lossSum / seen : deviceLoss.mean() };
      for (const m of compiled.metrics) logs[m.name] = m.result();
      logLossScale(compiled.optimizer, logs);
      const r = val ? await evaluateCompiledAsync(model, compiled, val.x, val.y, batchSize, control, signal, 'fit') : null;
      checkStop();
      await closeEpoch(callbacks, history, epoch, logs, r);
      if (yieldDue()) await yieldNow();
      checkStop();
    }
    return await closeFit(session, callbacks, history, extra);
  } finally {
    session.end();
  }
}
