#!/usr/bin/env node
// Reads a jest --json report and fails unless tests whose full name mentions cuda ran and all passed, so a
// GPU run cannot pass by silently skipping the cuda backend:  node benchmarks/gpu/check-cuda-ran.js report.json
const fs = require('fs');
const report = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
let passed = 0, failed = 0;
for (const file of report.testResults) {
  for (const t of file.assertionResults) {
    if (!/cuda/i.test(t.fullName)) continue;
    if (t.status === 'passed') passed++;
    else if (t.status === 'failed') failed++;
  }
}
console.log(`cuda tests in ${process.argv[2]}: ${passed} passed, ${failed} failed; whole run: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
process.exit(passed > 0 && failed === 0 && report.numFailedTests === 0 ? 0 : 1);
