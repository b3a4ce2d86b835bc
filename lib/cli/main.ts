#!/usr/bin/env node
/** The `myelin` command: `npx myelin train [options]` (see `--help`). Exit codes: 0 done, 1 failure, 2 bad usage. */
import { HELP, UsageError, parseTrainArgs } from './args';
import { runTrain } from './train';

/** Runs the command line `argv` and resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const args = parseTrainArgs(argv);
    if (args.help) {
      process.stdout.write(HELP);
      return 0;
    }
    await runTrain(args, (line) => process.stdout.write(line + '\n'));
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`myelin: ${err.message}\nRun 'myelin train --help' for the options.\n`);
      return 2;
    }
    process.stderr.write(`myelin: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
