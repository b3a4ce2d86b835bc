#!/usr/bin/env node
// The per-step kernel table of a profile of benchmarks/gpu/profile-step.js: reads Nsight Compute's CSV
// (--csv --metrics gpu__time_duration.sum), splits the kernels into training steps at each optimizer launch
// (multi_tensor_kernel), and prints the last step kernel by kernel, then every step's total.
//   node benchmarks/gpu/kernel-table.js kernels.csv
const fs = require('fs');

/** The fields of one CSV line (double-quoted fields may hold commas and doubled quotes). */
function fields(line) {
  const out = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false; else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(cur); cur = ''; } else cur += c;
  }
  out.push(cur);
  return out;
}

// Nsight Compute names the unit either way, by version: 'nsecond' or 'ns'.
const UNIT_US = { nsecond: 1e-3, usecond: 1, msecond: 1e3, second: 1e6, ns: 1e-3, us: 1, ms: 1e3, s: 1e6 };

function main() {
  const file = process.argv[2];
  if (!file || !fs.existsSync(file)) {
    console.log(`usage: node benchmarks/gpu/kernel-table.js kernels.csv (no file ${file})`);
    process.exit(2);
  }
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('"'));
  if (lines.length < 2) {
    console.log('no kernel rows in the profile (was ncu attached, and did it collect gpu__time_duration.sum?)');
    return;
  }
  const head = fields(lines[0]);
  const col = (name) => head.indexOf(name);
  const [iId, iName, iMetric, iUnit, iValue] = ['ID', 'Kernel Name', 'Metric Name', 'Metric Unit', 'Metric Value'].map(col);
  const kernels = [];
  for (const l of lines.slice(1)) {
    const f = fields(l);
    if (f[iMetric] !== 'gpu__time_duration.sum') continue;
    const us = Number(String(f[iValue]).replace(/,/g, '')) * (UNIT_US[f[iUnit]] ?? NaN);
    kernels.push({ id: Number(f[iId]), name: f[iName], us });
  }
  kernels.sort((a, b) => a.id - b.id);
  const steps = [];
  let current = [];
  for (const k of kernels) {
    current.push(k);
    if (k.name.includes('multi_tensor_kernel')) { steps.push(current); current = []; }
  }
  if (steps.length === 0) {
    console.log(`${kernels.length} kernels, no optimizer launch among them: no step to show`);
    return;
  }
  const short = (n) => n.replace(/\(anonymous namespace\)::/g, '').replace(/myelin::cuda::/g, '').replace(/^void /, '').replace(/\(.*$/, '').slice(0, 90);
  const last = steps[steps.length - 1];
  const total = (s) => s.reduce((a, k) => a + k.us, 0);
  console.log(`last profiled step: ${last.length} kernels, ${total(last).toFixed(1)} us of kernel time`);
  for (const k of last) console.log(`  ${k.us.toFixed(2).padStart(8)} us  ${short(k.name)}`);
  console.log(`every step (the first is the recorded one): ${steps.map((s) => `${s.length} kernels ${total(s).toFixed(1)} us`).join('; ')}`);
}

main();
