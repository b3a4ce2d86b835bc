/**
 * A launcher that says there are 2 processes, and no MPI library to load: init() rejects with a
 * DistributedError that says what to install (checked in a child process, with MYELIN_MPI_LIBRARY pointing
 * at a file that does not exist, then at a library that is not MPI).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { rankEnv } from './mpi-run';

const CHILD = `
const fs = require('fs');
const ts = require('typescript');
require.extensions['.ts'] = (module, file) => {
  const out = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
  module._compile(out.outputText, file);
};
const my = require(process.env.MYELIN_TEST_ENTRY || process.argv[1]);
my.distributed.init().then(() => console.log('started'), (e) => console.log(JSON.stringify({ name: e.name, message: e.message, rank: e.rank })));
`;

function initWith(library: string): { name: string; message: string; rank: number } {
  const env = { ...rankEnv(), OMPI_COMM_WORLD_SIZE: '2', OMPI_COMM_WORLD_RANK: '1', MYELIN_MPI_LIBRARY: library };
  const r = spawnSync(process.execPath, ['-e', CHILD, path.join(__dirname, '..', '..', 'lib', 'index.ts')], { env, encoding: 'utf8', timeout: 120000 });
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout.trim()) as { name: string; message: string; rank: number };
}

describe('distributed.init without an MPI library', () => {
  it('says what to install when the library is missing', () => {
    const e = initWith('/nonexistent/libmpi.so.40');
    expect(e.name).toBe('DistributedError');
    expect(e.rank).toBe(1);
    expect(e.message).toMatch(/OMPI_COMM_WORLD_SIZE=2 says this process is rank 1 of 2, but no MPI library loads \(.*nonexistent.*\); install Open MPI: apt-get install openmpi-bin libopenmpi-dev/);
  });
  it('says so when the library is not Open MPI', () => {
    const e = initWith('libm.so.6');
    expect(e.name).toBe('DistributedError');
    expect(e.message).toMatch(/exports no MPI_Init_thread .*apt-get install openmpi-bin libopenmpi-dev/);
  });
});
