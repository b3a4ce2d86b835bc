#!/usr/bin/env node
// Reads a jest --json report and fails unless, in every test file whose path contains one of the given
// substrings, tests naming cuda ran and passed, and nothing in the run failed. So a GPU run cannot pass by
// silently skipping the cuda backend:
//   node benchmarks/gpu/check-cuda-ran.js report.json test/conformance/ test/ops/
const fs = require('fs');
const [file, ...mustHave] = process.argv.slice(2);
const report = JSON.parse(fs.readFileSync(file, 'utf8'));
let ok = report.numFailedTests === 0 && report.numRuntimeErrorTestSuites === 0;
for (const want of mustHave) {
  const files = report.testResults.filter((f) => f.name.includes(want));
  let passed = 0, failed = 0;
  for (const f of files) {
    for (const t of f.assertionResults) {
      if (!/cuda/i.test(t.fullName)) continue;
      if (t.status === 'passed') passed++;
      else if (t.status === 'failed') failed++;
    }
  }
  console.log(`${want}: ${files.length} files, cuda tests ${passed} passed, ${failed} failed`);
  if (files.length === 0 || passed === 0 || failed > 0) ok = false;
}
console.log(`whole run: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
process.exit(ok ? 0 : 1);
