/** Parsing and validating the command line of `myelin train`. */

/** A command-line mistake: main prints the message and exits with code 2. */
export class UsageError extends Error {}

/** The options of `myelin train`, validated. */
export interface TrainArgs {
  help: boolean;
  /** A CSV file, or null for the shipped digits data set. */
  data: string | null;
  /** Target column (name or index) of --data; default: the last column. */
  target: string | number;
  hidden: number[];
  epochs: number;
  batchSize: number;
  lr: number;
  optimizer: string;
  /** A loss name, or null to choose from the target (classification or regression). */
  loss: string | null;
  testSize: number;
  seed: number;
  save: string | null;
  verbose: 0 | 1 | 2;
}

/** Text of `myelin train --help`. */
export const HELP = `Usage: myelin [train] [options]

Trains a multilayer perceptron on a numeric CSV table (or, without --data, on the handwritten digits
data set shipped with myelin) and prints progress, the test metrics, the backend and the time.

Options:
  --data <file.csv[.gz]>   numeric table; a first line with names is a header (default: shipped digits)
  --target <name|index>    target column, a header name or an index (negative from the end; default -1)
  --hidden <n,n,...>       hidden layer sizes, ReLU (default 64)
  --epochs <n>             passes over the training data (default 50)
  --batch-size <n>         samples per step (default 32)
  --lr <x>                 learning rate (default 0.001)
  --optimizer <name>       sgd | adam | adamw | adagrad | rmsprop (default adam)
  --loss <name>            sparseCategoricalCrossentropy | binaryCrossentropy | meanSquaredError |
                           meanAbsoluteError | huber (default: sparse categorical cross-entropy when the
                           target holds small non-negative integers, else mean squared error)
  --test-size <x>          fraction held out for testing, stratified for classification (default 0.2)
  --seed <n>               seed of the split, the initial weights and the shuffling (default 0)
  --save <dir>             save the trained model (model.json + safetensors) into <dir>
  --quiet                  no per-epoch progress
  -h, --help               this help

Set MYELIN_BACKEND=cpu|reference|cuda to choose the backend (default: the fastest available).
`;

const OPTIMIZERS = ['sgd', 'adam', 'adamw', 'adagrad', 'rmsprop'];
const LOSSES = ['sparseCategoricalCrossentropy', 'binaryCrossentropy', 'meanSquaredError', 'mse', 'meanAbsoluteError', 'mae', 'huber'];

function integer(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return n;
}

function positive(flag: string, v: string, max = Infinity): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0 || n >= max) {
    throw new UsageError(`${flag} must be a number > 0${max === Infinity ? '' : ` and < ${max}`}, got ${JSON.stringify(v)}`);
  }
  return n;
}

/** Parses `argv` (without node and the script). Throws UsageError with a message naming the option. */
export function parseTrainArgs(argv: string[]): TrainArgs {
  const args: TrainArgs = {
    help: false, data: null, target: -1, hidden: [64], epochs: 50, batchSize: 32, lr: 1e-3, optimizer: 'adam',
    loss: null, testSize: 0.2, seed: 0, save: null, verbose: 2,
  };
  const rest = argv.slice();
  if (rest[0] === 'train') rest.shift();
  else if (rest.length > 0 && !rest[0].startsWith('-')) throw new UsageError(`unknown command ${JSON.stringify(rest[0])}; the only command is 'train'`);
  while (rest.length > 0) {
    const arg = rest.shift()!;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? rest.shift();
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '-h': case '--help': args.help = true; break;
      case '--quiet': args.verbose = 0; break;
      case '--data': args.data = value(); break;
      case '--target': { const v = value(); args.target = /^-?\d+$/.test(v) ? Number(v) : v; break; }
      case '--hidden': {
        const v = value();
        args.hidden = v === '' || v === 'none' ? [] : v.split(',').map((p) => integer('--hidden', p.trim(), 1));
        break;
      }
      case '--epochs': args.epochs = integer(flag, value(), 1); break;
      case '--batch-size': args.batchSize = integer(flag, value(), 1); break;
      case '--lr': args.lr = positive(flag, value()); break;
      case '--test-size': args.testSize = positive(flag, value(), 1); break;
      case '--seed': args.seed = integer(flag, value(), 0); break;
      case '--save': args.save = value(); break;
      case '--optimizer': {
        const v = value();
        if (!OPTIMIZERS.includes(v.toLowerCase())) throw new UsageError(`--optimizer must be one of ${OPTIMIZERS.join(', ')}, got ${JSON.stringify(v)}`);
        args.optimizer = v.toLowerCase();
        break;
      }
      case '--loss': {
        const v = value();
        if (!LOSSES.includes(v)) throw new UsageError(`--loss must be one of ${LOSSES.join(', ')}, got ${JSON.stringify(v)}`);
        args.loss = v;
        break;
      }
      default: throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    }
  }
  return args;
}
