/** Callbacks of `fit`: `my.callbacks.earlyStopping(...)`, ... */
export { Callback, CallbackList, type CallbackHooks, type Logs, type TrainingModel } from './callback';
export { EarlyStopping, earlyStopping, type EarlyStoppingOptions } from './early-stopping';
export { LearningRateScheduler, learningRateScheduler, ReduceLROnPlateau, reduceLROnPlateau, type ReduceLROnPlateauOptions } from './learning-rate';
export { TerminateOnNaN, terminateOnNaN } from './terminate-on-nan';
export { ModelCheckpoint, modelCheckpoint, formatPath, type ModelCheckpointOptions } from './model-checkpoint';
export { ProgressLogger, type ProgressOptions, type ProgressStream } from './progress';
export { TensorBoard, tensorBoard, type TensorBoardOptions } from './tensorboard';
export { CSVLogger, csvLogger, type CSVLoggerOptions } from './csv-logger';
