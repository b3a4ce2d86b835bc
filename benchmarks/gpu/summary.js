#!/usr/bin/env node
// Joins the JSON lines of the GPU runners by workload name and prints one table, each myelin runner against
// the PyTorch runner (the file whose lines say runner 'torch ...'):
//   node benchmarks/gpu/summary.js myelin.jsonl torch.jsonl [myelin-fit.jsonl ...]
const fs = require('fs');

function read(file) {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

const rows = process.argv.slice(2).flatMap(read);
const torch = rows.filter((r) => r.runner.startsWith('torch'));
const mine = rows.filter((r) => !r.runner.startsWith('torch'));
const pad = (s, n) => String(s).padEnd(n);
console.log(`${pad('workload', 52)} ${pad('runner', 11)} ${pad('samples/s', 11)} ${pad('torch', 11)} ${pad('x torch', 8)} ${pad('step ms', 9)} ${pad('torch ms', 9)} last loss / torch`);
for (const a of mine) {
  const b = torch.find((r) => r.name === a.name);
  const ratio = b ? (a.samplesPerSecond / b.samplesPerSecond).toFixed(2) : '-';
  console.log(`${pad(a.name, 52)} ${pad(a.runner, 11)} ${pad(a.samplesPerSecond, 11)} ${pad(b ? b.samplesPerSecond : '-', 11)} ${pad(ratio, 8)} ` +
    `${pad(a.stepMs, 9)} ${pad(b ? b.stepMs : '-', 9)} ${Number(a.lastLoss).toPrecision(4)} / ${b ? Number(b.lastLoss).toPrecision(4) : '-'}`);
}
if (mine[0]) console.log(`myelin: ${mine[0].device}, GEMM ${mine[0].gemm}`);
if (torch[0]) console.log(`${torch[0].runner}: ${torch[0].device}`);
