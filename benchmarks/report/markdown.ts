/** The Markdown report: one table of medians per workload, then the targets. */
import type { TargetCheck, WorkloadSummary } from './aggregate';
import { machineLine, type MachineInfo } from './machine';

function num(x: number | null | undefined, digits: number): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return x === Infinity ? 'inf' : '-';
  if (Math.abs(x) >= 1e5 || (digits === 0 && Math.abs(x) >= 1e4)) return Math.round(x).toLocaleString('en-US');
  return x.toFixed(digits);
}

const isMyelin = (peer: string): boolean => peer === 'myelin' || peer === 'myelin-cuda';

/** Everything the Markdown report needs. */
export interface ReportInput {
  title: string;
  command: string;
  machine: MachineInfo;
  repetitions: number;
  summaries: WorkloadSummary[];
  targets: TargetCheck[];
  skipped: { label: string; reason: string }[];
}

/** The report as Markdown (table per workload, targets, skipped peers). */
export function markdownReport(r: ReportInput): string {
  const lines: string[] = [];
  lines.push(`### ${r.title}`, '');
  lines.push(`\`${r.command}\`, ${r.machine.date.slice(0, 16).replace('T', ' ')} UTC, on ${machineLine(r.machine)}.`);
  lines.push(`Medians of ${r.repetitions} runs per framework, each run its own process, frameworks alternating within each round. ` +
    '"myelin speed-up" is myelin\'s samples/s over the framework\'s (digits: the framework\'s time to 97% over myelin\'s), ' +
    'myelin (cuda) for GPU frameworks; "mem ratio" is myelin\'s peak host RSS over the framework\'s. Loss: mean loss over the training set after the timed epochs.', '');
  for (const w of r.summaries) {
    lines.push(`**${w.workload}**: ${w.description}`, '');
    const acc = w.kind === 'to-accuracy';
    lines.push(`| framework | samples/s | us/step | ${acc ? 'time to target (s) | epochs | test acc | reached | ' : ''}myelin speed-up | peak RSS (MiB) | mem ratio | final loss |`);
    lines.push(`| --- | ---: | ---: | ${acc ? '---: | ---: | ---: | ---: | ' : ''}---: | ---: | ---: | ---: |`);
    for (const p of w.peers) {
      if (p.runs === 0) {
        lines.push(`| ${p.label} | failed: ${p.failures[0]?.replace(/\|/g, '/').slice(0, 160) ?? ''} |`);
        continue;
      }
      const bestMark = w.best[p.group] === p.peer && w.peers.filter((q) => q.group === p.group).length > 1 ? ' (best)' : '';
      const cells = [
        `${p.label}${bestMark}${p.partial ? ' (partial epoch, time-limited)' : ''}`,
        num(p.samplesPerSecond, 0),
        num(p.microsecondsPerStep, 1),
        ...(acc ? [num(p.seconds, 3), num(p.epochs, 0), num(p.testAccuracy, 4), p.reached ?? '-'] : []),
        isMyelin(p.peer) ? '1.00' : `${num(p.myelinSpeedup, 2)}x`,
        num(p.peakRssMiB, 0),
        isMyelin(p.peer) ? '1.00' : num(p.myelinMemoryRatio, 2),
        p.finalLoss === null ? '-' : p.finalLoss.toPrecision(5),
      ];
      lines.push(`| ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  if (r.targets.length) {
    lines.push('**Targets** (this machine, same run; GPU targets against PyTorch CUDA on the same GPU):', '');
    lines.push('| workload | target | measured | met |', '| --- | --- | --- | --- |');
    for (const t of r.targets) lines.push(`| ${t.workload} | ${t.target} | ${t.measured} | ${t.met === null ? 'n/a' : t.met ? 'yes' : '**no**'} |`);
    lines.push('');
  }
  for (const s of r.skipped) lines.push(`Skipped ${s.label}: ${s.reason}.`);
  if (r.skipped.length) lines.push('');
  return lines.join('\n');
}
