/**
 * What every benchmark shares: each case runs in a fresh process (a clean heap, its own peak RSS) —
 * the benchmark's own script re-run with `--case …`, whose last stdout line is the case's JSON — and
 * repeated cases are reported by their median.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Runs `script` (an `import.meta.url`) with `--case ...args` in a new node process; returns its last line, parsed. */
export function inFreshProcess<T>(script: string, args: readonly string[], flag = '--case'): T {
  const output = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(script), flag, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(output.trim().split('\n').at(-1)!) as T;
}

export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** A benchmark's command line: `--json`, numeric flags with defaults, and a log that `--json` silences. */
export function benchArgs(args: readonly string[]): { json: boolean; flag: (name: string, fallback: number) => number; log: (line: string) => void } {
  const json = args.includes('--json');
  return {
    json,
    flag: (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback),
    log: (line) => { if (!json) console.log(line); },
  };
}
