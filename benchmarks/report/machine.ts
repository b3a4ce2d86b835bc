/** A description of the machine and software a benchmark ran on, for the report. */
import * as os from 'os';
import { backendInfo } from '../../lib/backend/select';
import { pythonCan, pythonPath } from '../peers';

/** Where and with what a run happened. */
export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  python: string;
  loadAverageAtStart: number[];
  myelinBackend: string;
  /** The GPU myelin ran on, as backendInfo() names it (cuda backend only; absent in reports of CPU runs). */
  gpu?: string;
}

/** Collects the machine description (the load average tells how noisy a shared machine was). */
export function describeMachine(): MachineInfo {
  const py = pythonCan(pythonPath(), 'import sys; print(sys.version.split()[0])');
  let myelinBackend: string;
  let gpu: string | undefined;
  try {
    const info = backendInfo();
    myelinBackend = `${info.backend}${info.blas ? `, BLAS ${info.blas.library}` : ''}${info.threads ? `, ${info.threads} threads` : ''}`;
    if (info.backend === 'cuda') gpu = info.device;
  } catch (e) {
    myelinBackend = `unavailable: ${(e as Error).message.split('\n')[0]}`;
  }
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    python: py.ok ? `${pythonPath()} ${py.out}` : 'none',
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    myelinBackend,
    ...(gpu ? { gpu } : {}),
  };
}

/** One line: "[GPU NVIDIA ..., ]Intel ... (2 cores, 8 GiB), Linux ..., Node v20, Python 3.11, load 1.2". */
export function machineLine(m: MachineInfo): string {
  return `${m.gpu ? `GPU ${m.gpu}, ` : ''}${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), ${m.os}, Node ${m.node}, Python ${m.python.split(' ').pop()}, myelin backend ${m.myelinBackend}; load average at start ${m.loadAverageAtStart.join(' / ')} (1/5/15 min)`;
}
