/**
 * Turns the runs into medians per (workload, framework), picks the best configuration of each group
 * (PyTorch: best of 1 and 2 threads), computes myelin's ratios to every peer and checks the targets.
 */
import type { RunOutcome } from '../harness';
import type { Peer } from '../peers';
import type { WorkloadSpec } from '../workloads';

/** The median of the values (NaN for none). */
export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = values.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Medians of one framework configuration on one workload. */
export interface PeerSummary {
  peer: string;
  label: string;
  group: string;
  runs: number;
  failures: string[];
  samplesPerSecond: number;
  microsecondsPerStep: number;
  /** Median seconds of the timed part (to-accuracy: time to the target). */
  seconds: number;
  peakRssMiB: number;
  finalLoss: number | null;
  epochs: number;
  testAccuracy?: number;
  /** to-accuracy: runs that reached the target / runs. */
  reached?: string;
  /** Some runs were cut by the time limit (speed from a partial epoch). */
  partial: boolean;
  details: string;
  /** myelin's speed / this framework's speed (to-accuracy: this one's time / myelin's time); > 1: myelin faster. */
  myelinSpeedup?: number;
  /** myelin's peak memory / this framework's. */
  myelinMemoryRatio?: number;
}

/** One workload's summary. */
export interface WorkloadSummary {
  workload: string;
  description: string;
  kind: WorkloadSpec['kind'];
  peers: PeerSummary[];
  /** Per group, the id of its best configuration. */
  best: Record<string, string>;
}

function summarize(peer: Pick<Peer, 'id' | 'label' | 'group'>, runs: RunOutcome[]): PeerSummary {
  const ok = runs.filter((r) => r.result).map((r) => r.result!);
  const losses = ok.map((r) => r.finalLoss).filter((l): l is number => typeof l === 'number');
  const accs = ok.map((r) => r.testAccuracy).filter((a): a is number => typeof a === 'number');
  const s: PeerSummary = {
    peer: peer.id, label: peer.label, group: peer.group, runs: ok.length,
    failures: runs.filter((r) => r.error).map((r) => r.error!),
    samplesPerSecond: median(ok.map((r) => r.samplesSeen / r.trainSeconds)),
    microsecondsPerStep: median(ok.map((r) => (r.trainSeconds / r.steps) * 1e6)),
    seconds: median(ok.map((r) => r.trainSeconds)),
    peakRssMiB: median(ok.map((r) => r.peakRssMiB)),
    finalLoss: losses.length ? median(losses) : null,
    epochs: median(ok.map((r) => r.epochs)),
    partial: ok.some((r) => r.partial),
    details: ok[0]?.details ?? '',
  };
  if (accs.length) s.testAccuracy = median(accs);
  if (ok.some((r) => r.reached !== undefined)) s.reached = `${ok.filter((r) => r.reached).length}/${ok.length}`;
  return s;
}

/** Higher is better: samples/s, or for to-accuracy workloads 1 / time (a run that missed the target counts as none). */
function speed(spec: Pick<WorkloadSpec, 'kind'>, s: PeerSummary): number {
  if (spec.kind === 'to-accuracy') return s.reached && !s.reached.startsWith('0/') ? 1 / s.seconds : 0;
  return s.samplesPerSecond;
}

/** Medians, best-of groups and ratios of one workload (only the spec's name, description and kind are read). */
export function summarizeWorkload(spec: Pick<WorkloadSpec, 'name' | 'description' | 'kind'>, peers: Pick<Peer, 'id' | 'label' | 'group' | 'gpu'>[],
  outcomes: RunOutcome[]): WorkloadSummary {
  const list = peers.map((p) => summarize(p, outcomes.filter((o) => o.peer === p.id))).filter((s) => s.runs > 0 || s.failures.length > 0);
  const best: Record<string, string> = {};
  for (const s of list) {
    if (s.runs === 0) continue;
    const cur = list.find((x) => x.peer === best[s.group]);
    if (!cur || speed(spec, s) > speed(spec, cur)) best[s.group] = s.peer;
  }
  // Ratios against myelin on the same kind of device: CPU frameworks against myelin (cpu), GPU ones against
  // myelin (cuda).
  const onGpu = new Map(peers.map((p) => [p.id, p.gpu]));
  const myelinOn = (gpu: boolean) => list.find((s) => s.peer === (gpu ? 'myelin-cuda' : 'myelin') && s.runs > 0);
  for (const s of list) {
    const me = myelinOn(onGpu.get(s.peer) === true);
    if (!me || s === me || s.runs === 0) continue;
    const their = speed(spec, s);
    s.myelinSpeedup = their > 0 ? speed(spec, me) / their : Infinity;
    s.myelinMemoryRatio = me.peakRssMiB / s.peakRssMiB;
  }
  return { workload: spec.name, description: spec.description, kind: spec.kind, peers: list, best };
}

/** One target of the issue and whether this run met it. */
export interface TargetCheck {
  workload: string;
  target: string;
  measured: string;
  met: boolean | null;
}

function fmt(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

/**
 * The CUDA backend's targets, myelin (cuda) against PyTorch CUDA eager with fused Adam, same GPU, same run:
 * mnist-mlp >= 5x samples/s, tiny >= 10x steps/s, wide and wide-tf32 (both sides on TF32) >= 0.95x samples/s.
 */
function gpuTargets(w: WorkloadSummary, get: (w: WorkloadSummary, id: string | undefined) => PeerSummary | undefined, checks: TargetCheck[]): void {
  if (!w.peers.some((p) => p.peer === 'myelin-cuda')) return;
  const me = get(w, 'myelin-cuda');
  const torch = get(w, 'pytorch-cuda');
  const factor = w.workload === 'mnist-mlp' ? 5 : w.workload === 'tiny' ? 10 : w.workload === 'wide' || w.workload === 'wide-tf32' ? 0.95 : null;
  if (factor === null) return;
  const target = `GPU: samples/s >= ${factor}x PyTorch CUDA`;
  if (!me || !torch) { checks.push({ workload: w.workload, target, measured: 'not measured (framework missing)', met: null }); return; }
  const ratio = me.samplesPerSecond / torch.samplesPerSecond;
  checks.push({ workload: w.workload, target, measured: `${fmt(ratio)}x (${fmt(me.microsecondsPerStep, 1)} vs ${fmt(torch.microsecondsPerStep, 1)} us/step)`, met: ratio >= factor });
}

/**
 * The targets of the issues met or missed. CPU: tiny <= 1/30 of PyTorch's us/step and faster than brain.js;
 * mnist-mlp >= 2x PyTorch, >= 1.5x NumPy, <= 0.6x PyTorch's memory; digits faster to 97% than PyTorch; mnist-cnn
 * >= 1.0x the best PyTorch (1.x or 2.x). GPU: see
 * `gpuTargets`.
 */
export function checkTargets(summaries: WorkloadSummary[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const get = (w: WorkloadSummary, id: string | undefined) => w.peers.find((p) => p.peer === id && p.runs > 0);
  for (const w of summaries) {
    gpuTargets(w, get, checks);
    if (!w.peers.some((p) => p.peer === 'myelin')) continue;  // a GPU-only run has no CPU targets
    const me = get(w, 'myelin');
    const torch = get(w, w.best.pytorch);
    const add = (target: string, peer: PeerSummary | undefined, measure: (me: PeerSummary, p: PeerSummary) => [string, boolean]) => {
      if (!me || !peer) { checks.push({ workload: w.workload, target, measured: 'not measured (framework missing)', met: null }); return; }
      const [measured, met] = measure(me, peer);
      checks.push({ workload: w.workload, target, measured, met });
    };
    if (w.workload === 'tiny') {
      add('us/step <= 1/30 of PyTorch', torch, (m, p) => [`${fmt(m.microsecondsPerStep, 1)} vs ${fmt(p.microsecondsPerStep, 1)} us/step (1/${fmt(p.microsecondsPerStep / m.microsecondsPerStep, 1)})`, m.microsecondsPerStep * 30 <= p.microsecondsPerStep]);
      add('samples/s > brain.js', get(w, 'brainjs'), (m, p) => [`${fmt(m.samplesPerSecond, 0)} vs ${fmt(p.samplesPerSecond, 0)} samples/s (${fmt(m.samplesPerSecond / p.samplesPerSecond)}x)`, m.samplesPerSecond > p.samplesPerSecond]);
    } else if (w.workload === 'mnist-mlp') {
      add('samples/s >= 2x PyTorch', torch, (m, p) => [`${fmt(m.samplesPerSecond / p.samplesPerSecond)}x`, m.samplesPerSecond >= 2 * p.samplesPerSecond]);
      add('samples/s >= 1.5x NumPy', get(w, 'numpy'), (m, p) => [`${fmt(m.samplesPerSecond / p.samplesPerSecond)}x`, m.samplesPerSecond >= 1.5 * p.samplesPerSecond]);
      add('peak memory <= 0.6x PyTorch', torch, (m, p) => [`${fmt(m.peakRssMiB, 0)} vs ${fmt(p.peakRssMiB, 0)} MiB (${fmt(m.peakRssMiB / p.peakRssMiB)}x)`, m.peakRssMiB <= 0.6 * p.peakRssMiB]);
    } else if (w.workload === 'mnist-cnn') {
      // The faster of PyTorch 1.x (Debian) and 2.x (MYELIN_BENCH_PYTHON2) when both ran.
      const torches = [torch, get(w, w.best.pytorch2)].filter((p): p is PeerSummary => p !== undefined);
      const fastest = torches.sort((a, b) => b.samplesPerSecond - a.samplesPerSecond)[0];
      add('samples/s >= 1.0x the best PyTorch', fastest, (m, p) => [`${fmt(m.samplesPerSecond / p.samplesPerSecond)}x (${fmt(m.samplesPerSecond, 0)} vs ${fmt(p.samplesPerSecond, 0)} samples/s, ${p.label})`, m.samplesPerSecond >= p.samplesPerSecond]);
    } else if (w.workload === 'digits') {
      add('time to 97% < PyTorch', torch, (m, p) => {
        const ok = !!m.reached && !m.reached.startsWith('0/');
        return [`${fmt(m.seconds, 3)} s (${m.epochs} epochs) vs ${fmt(p.seconds, 3)} s (${p.epochs} epochs)${ok ? '' : ', myelin missed 97%'}`, ok && m.seconds < p.seconds];
      });
    }
  }
  return checks;
}
