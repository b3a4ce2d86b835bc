/** Keras 3 `.keras` files: import into myelin (see import-keras.ts). */
export { importKeras, MAX_KERAS_BYTES, type KerasImportOptions } from './import-keras';
