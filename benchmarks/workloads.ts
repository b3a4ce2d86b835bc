/**
 * The benchmark workloads: the same network, data, loss, optimizer (Adam, lr 1e-3, beta1 0.9,
 * beta2 0.999, epsilon 1e-7 where the framework lets us set it) and initial weights for every framework.
 */

/** How a workload ends and what it measures. */
export type WorkloadKind = 'fixed-epochs' | 'to-accuracy';

/** The loss of a workload: binary cross-entropy on a sigmoid output, or a softmax cross-entropy. */
export type WorkloadLoss = 'binary' | 'categorical' | 'sparse';

/** One dense layer of the network. */
export interface LayerSpec {
  units: number;
  activation: 'relu' | 'sigmoid' | 'softmax';
}

/**
 * One convolution block ahead of the dense layers (channels last): conv2d of `filters` filters, a
 * `kernelSize` x `kernelSize` window, 'valid' padding, stride 1 and ReLU, then a max pooling of `pool` x `pool`.
 */
export interface ConvSpec {
  filters: number;
  kernelSize: number;
  pool: number;
}

/** Everything a worker process needs to run one workload (written as JSON next to the data files). */
export interface WorkloadSpec {
  name: string;
  kind: WorkloadKind;
  /** Features per sample. */
  inputDim: number;
  /** CNN workloads: a sample's image [height, width, channels] (inputDim = their product), and the conv blocks. */
  image?: [number, number, number];
  conv?: ConvSpec[];
  layers: LayerSpec[];
  loss: WorkloadLoss;
  batchSize: number;
  /** fixed-epochs: epochs timed. to-accuracy: the most epochs tried before giving up. */
  epochs: number;
  /** to-accuracy: the test accuracy to reach. */
  targetAccuracy?: number;
  /** digits: seed of the stratified 80/20 train/test split. */
  splitSeed?: number;
  learningRate: number;
  /** Training samples (the data files hold exactly this many). */
  samples: number;
  /** Whether the workload only runs with --gpu. */
  gpuOnly: boolean;
  /** GPU only: both sides opt in to TF32 tensor-core GEMMs (myelin's `tf32` option, PyTorch's allow_tf32). */
  tf32?: boolean;
  /**
   * An embedding front end: the inputDim features of a sample are ids in [0, vocab) (as floats), looked up in a
   * [vocab, dim] table and mean-pooled over the bag; `layers` then start from dim features. Only myelin and
   * PyTorch (nn.EmbeddingBag, mode 'mean') run such workloads.
   */
  embedding?: { vocab: number; dim: number };
  /** One-line description for the report. */
  description: string;
  /** Folder with x_train.npy, y_train.npy (x_test, y_test for to-accuracy) and w{i}.npy / b{i}.npy. */
  dataDir?: string;
  /** Untimed warm-up steps each worker runs on a throwaway copy of the model first. */
  warmupSteps: number;
  /** Seconds after which a (slow) worker stops a timed epoch early and reports a partial run. */
  timeLimitSeconds: number;
}

/** Which workloads to build, and how large. */
export interface WorkloadOptions {
  quick: boolean;
  gpu: boolean;
}

/** The workload list of the issue; `quick` shrinks data so the whole run stays short. */
export function workloads({ quick, gpu }: WorkloadOptions): WorkloadSpec[] {
  const list: WorkloadSpec[] = [
    {
      name: 'tiny', kind: 'fixed-epochs', inputDim: 2,
      layers: [{ units: 10, activation: 'relu' }, { units: 1, activation: 'sigmoid' }],
      loss: 'binary', batchSize: 32, epochs: quick ? 5 : 20, learningRate: 1e-3, samples: 1000, gpuOnly: false,
      description: '2-10-1 ReLU/sigmoid, binary cross-entropy, batch 32, 1000 samples',
      warmupSteps: 20, timeLimitSeconds: quick ? 10 : 60,
    },
    {
      name: 'mnist-mlp', kind: 'fixed-epochs', inputDim: 784,
      layers: [{ units: 512, activation: 'relu' }, { units: 512, activation: 'relu' }, { units: 10, activation: 'softmax' }],
      loss: 'categorical', batchSize: 128, epochs: 1, learningRate: 1e-3, samples: quick ? 6400 : 60000, gpuOnly: false,
      description: '784-512-512-10 ReLU, softmax cross-entropy, batch 128, synthetic MNIST-sized data',
      warmupSteps: 3, timeLimitSeconds: quick ? 5 : 20,
    },
    {
      name: 'digits', kind: 'to-accuracy', inputDim: 64,
      layers: [{ units: 64, activation: 'relu' }, { units: 10, activation: 'softmax' }],
      loss: 'sparse', batchSize: 32, epochs: 100, targetAccuracy: 0.97, splitSeed: 1, learningRate: 1e-3, samples: 1437, gpuOnly: false,
      description: '64-64-10 ReLU on the digits data set (80/20 stratified split, seed 1, standard-scaled), sparse cross-entropy, batch 32, time to 97% test accuracy',
      warmupSteps: 10, timeLimitSeconds: quick ? 8 : 30,
    },
    {
      name: 'mnist-cnn', kind: 'fixed-epochs', inputDim: 784, image: [28, 28, 1],
      conv: [{ filters: 32, kernelSize: 3, pool: 2 }, { filters: 64, kernelSize: 3, pool: 2 }],
      layers: [{ units: 128, activation: 'relu' }, { units: 10, activation: 'softmax' }],
      loss: 'categorical', batchSize: 64, epochs: 1, learningRate: 1e-3, samples: quick ? 1280 : 6400, gpuOnly: false,
      description: 'LeNet-like CNN 28x28x1 -> conv 32 3x3 relu -> maxpool 2 -> conv 64 3x3 relu -> maxpool 2 -> dense 128 relu -> 10 softmax, batch 64, synthetic MNIST-shaped data',
      warmupSteps: 5, timeLimitSeconds: quick ? 10 : 30,
    },
    {
      name: 'embedding-bag', kind: 'fixed-epochs', inputDim: 64, embedding: { vocab: 20000, dim: 32 },
      layers: [{ units: 64, activation: 'relu' }, { units: 2, activation: 'softmax' }],
      loss: 'sparse', batchSize: 64, epochs: 1, learningRate: 1e-3, samples: quick ? 6400 : 32000, gpuOnly: false,
      description: 'bags of 64 ids (vocabulary 20000) -> embedding 32 mean-pooled -> 64 ReLU -> 2, sparse cross-entropy, batch 64, Adam (dense update of the whole table)',
      warmupSteps: 20, timeLimitSeconds: quick ? 10 : 30,
    },
  ];
  if (gpu) {
    const wide: WorkloadSpec = {
      name: 'wide', kind: 'fixed-epochs', inputDim: 1024,
      layers: [{ units: 4096, activation: 'relu' }, { units: 4096, activation: 'relu' }, { units: 1024, activation: 'softmax' }],
      loss: 'sparse', batchSize: 1024, epochs: 1, learningRate: 1e-3, samples: quick ? 8192 : 65536, gpuOnly: true,
      description: '1024-4096-4096-1024 ReLU, softmax cross-entropy, batch 1024, float32 (GPU)',
      warmupSteps: 3, timeLimitSeconds: 120,
    };
    list.push(wide, {
      ...wide, name: 'wide-tf32', tf32: true,
      description: '1024-4096-4096-1024 ReLU, softmax cross-entropy, batch 1024, TF32 GEMMs on both sides (GPU)',
    });
  }
  return list;
}

/**
 * The sample shapes after each conv block of a CNN workload, input first: [[h, w, c], ...] ('valid' conv with
 * stride 1, then pooling that drops a ragged edge, as Keras and PyTorch do).
 */
export function convShapes(spec: WorkloadSpec): Array<[number, number, number]> {
  const shapes: Array<[number, number, number]> = [spec.image ?? [1, 1, spec.inputDim]];
  for (const c of spec.conv ?? []) {
    const [h, w] = shapes[shapes.length - 1];
    shapes.push([Math.floor((h - c.kernelSize + 1) / c.pool), Math.floor((w - c.kernelSize + 1) / c.pool), c.filters]);
  }
  return shapes;
}

/** Layer sizes of the dense part of a workload, input first: [inputDim (or the flattened conv output, or the embedding's dim), units...]. */
export function layerSizes(spec: WorkloadSpec): number[] {
  const last = convShapes(spec)[spec.conv?.length ?? 0];
  return [spec.conv ? last[0] * last[1] * last[2] : spec.embedding ? spec.embedding.dim : spec.inputDim, ...spec.layers.map((l) => l.units)];
}
