/**
 * `npm run bench -- <name> [--json]`. Each benchmark measures its baseline in the same run and prints
 * ratios; with `--json` the last line is `{ "bench", "figures", "ratios" }`.
 */
import { benchCalc } from './calc.js';
import { benchDatastore } from './datastore.js';
import { benchDurable } from './durable.js';
import { benchInspect } from './inspect.js';
import { benchRuntime } from './runtime.js';
import { benchWorkers } from './workers.js';

const benches: Record<string, (args: string[]) => Promise<void>> = { runtime: benchRuntime, calc: benchCalc, datastore: benchDatastore, durable: benchDurable, inspect: benchInspect, workers: benchWorkers };
const [name = 'runtime', ...rest] = process.argv.slice(2);
const bench = benches[name];
if (bench === undefined) {
  console.error(`unknown benchmark ${JSON.stringify(name)}; available: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
await bench(rest);
