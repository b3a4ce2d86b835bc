/**
 * Symbolic tensors and graph nodes: what `my.input` returns and what `layer.apply` returns when given symbolic
 * tensors. A symbolic tensor has a sample shape (no batch dimension) and remembers the node that produced it;
 * a node is one application of a layer to symbolic inputs (a layer applied twice has two nodes and one set of
 * weights). `my.model({ inputs, outputs })` walks these nodes back from the outputs (lib/models/graph.ts).
 */
import { ValueError } from '../errors';
import type { Layer } from './layer';

let nextId = 0;

/** One application of a layer to symbolic tensors (Keras's `Node`). */
export class GraphNode {
  /** The tensors this application produced (one per output of the layer). */
  readonly outputs: SymbolicTensor[];

  constructor(
    /** The layer applied. */
    readonly layer: Layer,
    /** The symbolic tensors it was applied to (none for an input layer). */
    readonly inputs: SymbolicTensor[],
    outputShapes: number[][],
  ) {
    const index = layer.inboundNodes.length;
    this.outputs = outputShapes.map((shape, i) => new SymbolicTensor(shape, this, i, outputShapes.length === 1 ? layer.name : `${layer.name}:${i}`));
    layer.inboundNodes.push(this);
    this.index = index;
  }

  /** The position of this node among the layer's nodes (`layer.inboundNodes[index] === this`). */
  readonly index: number;
}

/**
 * A placeholder for the batches a model will receive: a sample shape and the node that produces it. It holds no
 * values; reading it (`dataSync`, `data`, `arraySync`) or passing it to an op throws a ValueError.
 */
export class SymbolicTensor {
  /** Unique id (creation order). */
  readonly id = nextId++;

  constructor(
    /** Shape of one sample (batch dimension excluded). */
    readonly shape: number[],
    /** The node that produces it. */
    readonly node: GraphNode,
    /** Which output of that node it is. */
    readonly outputIndex: number,
    /** Display name: the producing layer's name (with `:i` for a layer of several outputs). */
    readonly name: string,
  ) {}

  /** The layer that produces this tensor. */
  get sourceLayer(): Layer {
    return this.node.layer;
  }

  /** Rank including the batch dimension (as a batch of these samples would have). */
  get rank(): number {
    return this.shape.length + 1;
  }

  private noValues(what: string): never {
    throw new ValueError(`${what}: ${this.toString()} is symbolic (from my.input / layer.apply on symbolic tensors) and has no values; ` +
      'build a model with my.model({ inputs, outputs }) and call predict / fit with data');
  }

  /** Always throws: a symbolic tensor has no values. */
  dataSync(): never {
    return this.noValues('dataSync');
  }

  /** Always throws: a symbolic tensor has no values. */
  data(): never {
    return this.noValues('data');
  }

  /** Always throws: a symbolic tensor has no values. */
  arraySync(): never {
    return this.noValues('arraySync');
  }

  /** `SymbolicTensor(name, shape [null, ...])`. */
  toString(): string {
    return `SymbolicTensor(${JSON.stringify(this.name)}, shape [null, ${this.shape.join(', ')}])`;
  }
}

/** True when `v` is a symbolic tensor. */
export function isSymbolic(v: unknown): v is SymbolicTensor {
  return v instanceof SymbolicTensor;
}
