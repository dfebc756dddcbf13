#!/usr/bin/env node
// The project's test command: type-check, lint, then vitest. CI reads only the last line,
// `N passed, N failed`, so vitest's own summary (ANSI-coloured, not a recognised format) is
// turned into that line from its JSON report. A failed type-check or lint counts as one failure each.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const report = '.vitest-report.json';
let extraFailed = 0;
let extraPassed = 0;

function step(name, cmd, args) {
  process.stdout.write(`\n== ${name}: ${cmd} ${args.join(' ')}\n`);
  const result = spawnSync(cmd, args, { stdio: 'inherit' });
  return result.status === 0;
}

for (const [name, args] of [['typecheck', ['tsc', '-p', 'tsconfig.json', '--noEmit']], ['lint', ['eslint', '.']]]) {
  if (step(name, 'npx', args)) extraPassed += 1;
  else { extraFailed += 1; process.stdout.write(`${name} failed\n`); }
}

rmSync(report, { force: true });
step('tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]);
let passed;
let failed;
try {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests;
  failed = json.numFailedTests + (json.numFailedTestSuites ?? 0);
} catch {
  passed = 0;
  failed = 1; // no report means the runner itself failed
}
process.stdout.write(`${passed + extraPassed} passed, ${failed + extraFailed} failed\n`);
process.exit(failed + extraFailed === 0 ? 0 : 1);
