/** The model.json document of a saved model: its shape, and the validation of an untrusted one. */
import { ModelFormatError, describe } from '../errors';
import { parseBoundedJSON } from './safe-read';

/** Name written in every model.json. */
export const MODEL_FORMAT = 'myelin-sequential';
/** Version of the layout below; loaders accept versions up to this one. */
export const MODEL_FORMAT_VERSION = 1;
/** Fixed file names inside a saved model folder (model.json never names files, so it cannot point elsewhere). */
export const FILES = { model: 'model.json', weights: 'weights.safetensors', optimizer: 'optimizer.safetensors' } as const;

/** A layer entry of the architecture. */
export interface LayerEntry {
  className: string;
  config: Record<string, unknown>;
}

/** One loss of the compile config: a name or `{ name, config }`. */
export type LossEntry = string | { name: string; config: Record<string, unknown> };

/** The content of model.json. */
export interface ModelJSON {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  /** Version of myelin that wrote the model (informative). */
  myelinVersion: string;
  /** `model.getConfig()`. */
  architecture: { name?: string; layers: LayerEntry[]; inputShape?: number[]; className?: 'Functional'; inputLayers?: unknown[]; outputLayers?: unknown[] };
  /** `model.compileConfig`, or null when the model was not compiled. */
  compileConfig: {
    optimizer: { className: string; config: Record<string, unknown> };
    loss: LossEntry | Record<string, LossEntry>;
    metrics: string[] | Record<string, string[]>;
    /** Graph models with several outputs: each output's loss weight. */
    lossWeights?: Record<string, number>;
  } | null;
  /** Names of the tensors of weights.safetensors, in the order of `model.weights`. */
  weights: string[];
  /** Whether optimizer.safetensors holds the optimizer state. */
  hasOptimizerState: boolean;
}

const TOP_KEYS = ['architecture', 'compileConfig', 'format', 'formatVersion', 'hasOptimizerState', 'myelinVersion', 'weights'];

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Parses and validates the text of model.json; `source` names the file in errors.
 * @throws ModelFormatError for invalid JSON, another format, a newer version, or any field of the wrong shape.
 */
export function parseModelJSON(text: string, source: string): ModelJSON {
  const fail = (msg: string): never => { throw new ModelFormatError(`${source}: ${msg}`); };
  const doc = parseBoundedJSON(text, source);
  if (!isObject(doc)) return fail(`must be a JSON object, got ${describe(doc)}`);
  if (doc.format !== MODEL_FORMAT) fail(`format must be ${JSON.stringify(MODEL_FORMAT)}, got ${describe(doc.format)}`);
  const v = doc.formatVersion;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(`formatVersion must be a positive integer, got ${describe(v)}`);
  if ((v as number) > MODEL_FORMAT_VERSION) fail(`formatVersion ${v} is newer than this myelin understands (${MODEL_FORMAT_VERSION}); upgrade myelin`);
  const extra = Object.keys(doc).filter((k) => !TOP_KEYS.includes(k));
  if (extra.length > 0) fail(`unknown keys ${extra.join(', ')}`);
  if (typeof doc.myelinVersion !== 'string') fail(`myelinVersion must be a string, got ${describe(doc.myelinVersion)}`);
  const arch = doc.architecture;
  if (!isObject(arch)) return fail(`architecture must be an object, got ${describe(arch)}`);
  if (!Array.isArray(arch.layers) || arch.layers.length === 0) fail('architecture.layers must be a non-empty array');
  (arch.layers as unknown[]).forEach((l, i) => {
    if (!isObject(l) || typeof l.className !== 'string' || !isObject(l.config)) {
      fail(`architecture.layers[${i}] must be { className: string, config: object }, got ${describe(l)}`);
    }
  });
  const graph = arch.className === 'Functional';
  if (arch.className !== undefined && !graph) fail(`architecture.className must be 'Functional' when present, got ${describe(arch.className)}`);
  if (graph && (!Array.isArray(arch.inputLayers) || !Array.isArray(arch.outputLayers))) fail('a Functional architecture needs inputLayers and outputLayers arrays');
  if (!graph && (!Array.isArray(arch.inputShape) || arch.inputShape.length > 32 || arch.inputShape.some((d) => !Number.isSafeInteger(d) || d < 1))) {
    fail(`architecture.inputShape must be an array of positive integers, got ${(JSON.stringify(arch.inputShape) ?? '').slice(0, 80)}`);
  }
  if (arch.name !== undefined && typeof arch.name !== 'string') fail(`architecture.name must be a string, got ${describe(arch.name)}`);
  const cc = doc.compileConfig;
  if (cc !== null) {
    if (!isObject(cc)) return fail(`compileConfig must be an object or null, got ${describe(cc)}`);
    if (!isObject(cc.optimizer) || typeof cc.optimizer.className !== 'string' || !isObject(cc.optimizer.config)) {
      fail('compileConfig.optimizer must be { className: string, config: object }');
    }
    const oneLoss = (l: unknown): boolean => typeof l === 'string' || (isObject(l) && typeof l.name === 'string' && isObject(l.config));
    const loss = cc.loss;
    if (!oneLoss(loss) && !(isObject(loss) && Object.values(loss).every(oneLoss))) {
      fail(`compileConfig.loss must be a name, { name, config }, or an object of them keyed by output, got ${describe(loss)}`);
    }
    const names = (m: unknown): boolean => Array.isArray(m) && m.every((x) => typeof x === 'string');
    if (!names(cc.metrics) && !(isObject(cc.metrics) && Object.values(cc.metrics).every(names))) fail('compileConfig.metrics must be an array of strings (or an object of them keyed by output)');
    if (cc.lossWeights !== undefined && !(isObject(cc.lossWeights) && Object.values(cc.lossWeights).every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0))) {
      fail('compileConfig.lossWeights must be an object of numbers >= 0 keyed by output');
    }
  }
  const w = doc.weights;
  if (!Array.isArray(w) || w.some((n) => typeof n !== 'string' || n === '') || new Set(w).size !== w.length) {
    fail('weights must be an array of distinct non-empty names');
  }
  if (typeof doc.hasOptimizerState !== 'boolean') fail(`hasOptimizerState must be a boolean, got ${describe(doc.hasOptimizerState)}`);
  if (doc.hasOptimizerState && cc === null) fail('hasOptimizerState is true but compileConfig is null');
  return doc as unknown as ModelJSON;
}
