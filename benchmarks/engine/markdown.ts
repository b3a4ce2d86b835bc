/** The engine benchmark's Markdown report: the targets, then every phase of both modes. */
import { machineLine, type MachineInfo } from '../report/machine';
import { PHASES } from './result';
import type { ModeSummary } from './summary';
import { ENGINE_LIMITS, type EngineTarget } from './targets';
import { ENGINE_WORKLOAD as W } from './workload';

/** Everything the report needs. */
export interface EngineReportInput {
  command: string;
  machine: MachineInfo;
  repetitions: number;
  epochs: number;
  modes: ModeSummary[];
  targets: EngineTarget[];
}

const cell = (x: number | undefined, digits: number): string => {
  if (x === undefined || !Number.isFinite(x)) return '-';
  return digits === 0 ? Math.round(x).toLocaleString('en-US') : x.toFixed(digits);
};

const PHASE_LABELS = {
  idle: 'idle (client only)',
  fit: `fit, ${W.fitRows} x ${W.inputDim}`,
  predict: `predict, ${W.inferenceRows} rows`,
  evaluate: `evaluate, ${W.inferenceRows} rows`,
} as const;

/** The report as Markdown. */
export function engineMarkdown(r: EngineReportInput): string {
  const lines: string[] = ['### Training engine: the event loop while myelin computes (issue 14)', ''];
  lines.push(`\`${r.command}\`, ${r.machine.date.slice(0, 16).replace('T', ' ')} UTC, on ${machineLine(r.machine)}.`);
  lines.push(`Each run is one process: an HTTP server on 127.0.0.1 and a client sending requests back to back on one keep-alive ` +
    `connection, \`monitorEventLoopDelay({ resolution: 1 })\` (the interval between two turns of its 1 ms timer: an idle loop ` +
    `reads about 1 ms), and the phases below, with \`setBackend('cpu', { threads: 1 })\`. 784-512-512-10 ReLU/softmax, ` +
    `categorical cross-entropy, Adam; fit: ${r.epochs} epochs, batch ${W.batchSize}; inference batch ${W.inferenceBatchSize}. ` +
    `Medians of ${r.repetitions} runs per mode (each figure its own median), the two modes alternating; "off-thread" is the ` +
    'default engine, "blocking" runs with `MYELIN_OFF_THREAD=0`.', '');
  lines.push('| target | measured | met |', '| --- | --- | --- |');
  for (const t of r.targets) lines.push(`| ${t.target} | ${t.measured} | ${t.met === null ? 'n/a' : t.met ? 'yes' : '**no**'} |`);
  lines.push('');
  const idle = r.modes[0]?.phases.idle;
  if (idle && idle.delayP99Ms > ENGINE_LIMITS.delayP99Ms) {
    lines.push(`Note: with nothing but the HTTP client running, the loop's delay was already p99 ${idle.delayP99Ms.toFixed(1)} ms, ` +
      `max ${idle.delayMaxMs.toFixed(1)} ms: the machine was too busy (see the load average) for the delay targets to say ` +
      'much about myelin; rerun on a quiet machine.', '');
  }
  lines.push('| mode | phase | API | s | delay p50 (ms) | p99 (ms) | max (ms) | timer turns | requests/s | x idle | samples/s | loss first -> last |');
  lines.push('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const m of r.modes) {
    if (m.runs === 0) {
      lines.push(`| ${m.mode} | failed: ${(m.failures[0] ?? '').replace(/\|/g, '/').slice(0, 160)} |`);
      continue;
    }
    for (const name of PHASES) {
      const p = m.phases[name];
      if (!p) continue;
      const loss = p.lossFirst !== undefined ? `${p.lossFirst.toFixed(4)} -> ${(p.lossLast as number).toFixed(4)}` : '';
      lines.push(`| ${m.mode} | ${PHASE_LABELS[name]} | ${name === 'idle' ? '' : p.api} | ${cell(p.seconds, 2)} | ${cell(p.delayP50Ms, 2)} | ${cell(p.delayP99Ms, 2)} | ` +
        `${cell(p.delayMaxMs, 2)} | ${cell(p.delaySamples, 0)} | ${cell(p.requestsPerSecond, 0)} | ${name === 'idle' ? '' : cell(p.requestRatioToIdle, 3)} | ` +
        `${cell(p.samplesPerSecond, 0)} | ${loss} |`);
    }
  }
  lines.push('');
  for (const m of r.modes) {
    const failed = m.failures.length ? `; ${m.failures.length} failed run(s): ${m.failures[0]}` : '';
    lines.push(`- ${m.mode}: ${m.runs} run(s), backend ${m.backend}, fit params ${JSON.stringify(m.fitParams)}${failed}`);
  }
  return `${lines.join('\n')}\n`;
}
