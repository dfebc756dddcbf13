/**
 * `npm run soak [-- --kills N] [--seed S] [--durability batch|sync] [--keep]`: the crash harness
 * (kill-harness.ts) at length — 100 SIGKILLs by default — with a seed you can pass to replay a run.
 * Prints one line per kill and a JSON summary; exits 1 if the final view or the stream is wrong.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { runKillSoak } from './kill-harness.js';

const { values } = parseArgs({ options: { kills: { type: 'string', default: '100' }, seed: { type: 'string' }, durability: { type: 'string', default: 'batch' }, keep: { type: 'boolean', default: false } } });
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const durability = values.durability === 'sync' ? 'sync' : 'batch';
const dir = mkdtempSync(join(tmpdir(), 'troupe-soak-'));
process.stdout.write(`soak: ${values.kills} kills, seed ${seed}, durability ${durability}, in ${dir}\n`);
let ok = false;
try {
  const result = await runKillSoak({ kills: Number(values.kills), seed, dir, durability, log: (line) => process.stdout.write(`${line}\n`) });
  ok = isDeepStrictEqual(result.view, result.expected);
  process.stdout.write(`${JSON.stringify({ seed, durability, kills: result.kills, moments: result.moments, changes: result.changes, messages: result.messages, endpoints: Object.keys(result.view.endpoints).length, viewMatchesFused: ok })}\n`);
} catch (error) {
  process.stdout.write(`soak failed (seed ${seed}): ${(error as Error).message}\n`);
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
}
process.exitCode = ok ? 0 : 1;
