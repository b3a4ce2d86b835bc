#!/usr/bin/env node
// Joins the JSON lines of the myelin and PyTorch GPU runners by workload name and prints a table:
//   node benchmarks/gpu/summary.js myelin.jsonl torch.jsonl
const fs = require('fs');

function read(file) {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

const [mine, theirs] = process.argv.slice(2).map(read);
const names = [...new Set([...mine, ...theirs].map((r) => r.name))];
const pad = (s, n) => String(s).padEnd(n);
console.log(`${pad('workload', 52)} ${pad('myelin samples/s', 17)} ${pad('torch samples/s', 16)} ${pad('myelin/torch', 13)} ${pad('myelin step ms', 15)} ${pad('torch step ms', 14)} last loss myelin / torch`);
for (const name of names) {
  const a = mine.find((r) => r.name === name), b = theirs.find((r) => r.name === name);
  const ratio = a && b ? (a.samplesPerSecond / b.samplesPerSecond).toFixed(2) : '-';
  console.log(`${pad(name, 52)} ${pad(a ? a.samplesPerSecond : '-', 17)} ${pad(b ? b.samplesPerSecond : '-', 16)} ${pad(ratio, 13)} ` +
    `${pad(a ? a.stepMs : '-', 15)} ${pad(b ? b.stepMs : '-', 14)} ${a ? a.lastLoss.toPrecision(4) : '-'} / ${b ? b.lastLoss.toPrecision(4) : '-'}`);
}
if (mine[0]) console.log(`myelin: ${mine[0].device}, GEMM ${mine[0].gemm}`);
if (theirs[0]) console.log(`${theirs[0].runner}: ${theirs[0].device}`);
