/**
 * `npm run bench -- workers [--json] [--messages N] [--repeat N]`: what crossing threads costs.
 *   cross-thread: N small messages from main to an actor on a worker thread through troupe (sent with
 *                 `system.send`, bounded mailbox, batched link) against raw `postMessage` of the same
 *                 messages one by one to a worker that counts them. Both end when the receiver has
 *                 counted all N (troupe: an `ask` behind them; raw: the worker posts back).
 *                 crossThreadVsMessagePort = troupe msgs/s / raw msgs/s (goal ≥ 1.0).
 *   calc:         the calc snapshot (100,000 endpoints, 200 local, 10,000 policies: the calc bench's
 *                 cluster) through the actor wiring, first record to InSync flushed, with every actor
 *                 on main against the calculators spread over two workers (calc-placement.ts).
 *                 spreadVsMain = main seconds / spread seconds (goal ≥ 1.3 on two cores).
 * Each variant runs in a fresh process; rounds are interleaved and the median reported.
 */
import { Worker } from 'node:worker_threads';
import { CALC_SPREAD_PLACEMENT } from '../src/actors/calc/actors/calc-placement.js';
import { ActorCalcGraph } from '../src/actors/calc/actors/wiring.js';
import { ActorSystem } from '../src/runtime/system.js';
import { Placement } from '../src/runtime/threads/placement.js';
import type { PlacementConfig } from '../src/runtime/threads/placement.js';
import { memberShardsOf } from '../src/actors/calc/actors/member-shards.js';
import { LOCAL_NODE, syntheticCluster } from './synthetic-cluster.js';
import { benchArgs, inFreshProcess, median } from './fresh-process.js';
import { countingSink } from './workers-logic.js';

type Variant = 'troupe' | 'raw-postmessage' | 'calc-main' | 'calc-spread';
interface Result { readonly variant: Variant; readonly messages: number; readonly seconds: number; readonly msgsPerSecond: number; readonly endpoints?: number }

/** The calc snapshot through the actor wiring under `placement`; `messages`: dataplane messages out. */
async function calcSnapshot(variant: Variant, endpoints: number, policies: number): Promise<Result> {
  const records = syntheticCluster({ namespaces: 500, endpoints, localEndpoints: 200, nodes: 500, policies, apps: 2_000, networkSets: 100, seed: 1 });
  const placement: PlacementConfig = variant === 'calc-spread' ? CALC_SPREAD_PLACEMENT : {};
  const system = new ActorSystem({ seed: 1, placement });
  let messages = 0;
  const memberShards = variant === 'calc-spread' ? memberShardsOf(new Placement(placement)) : 1;
  const graph = ActorCalcGraph.spawn(system, { hostname: LOCAL_NODE, memberShards, sink: { write: () => { messages += 1; } } });
  await graph.flush(); // every actor up (workers booted), nothing computed yet
  const started = performance.now();
  await graph.onRecords(records);
  await graph.onStatus('InSync');
  await graph.flush();
  const seconds = (performance.now() - started) / 1000;
  await system.shutdown();
  return { variant, messages, seconds, msgsPerSecond: records.length / seconds, endpoints };
}

const RAW_RECEIVER = `
const { parentPort, workerData } = require('node:worker_threads');
let count = 0;
parentPort.on('message', (message) => {
  if (message.type === 'add') count += 1;
  if (count === workerData.messages) parentPort.postMessage({ type: 'count', payload: count });
});`;

async function rawPostMessage(messages: number): Promise<Result> {
  const worker = new Worker(RAW_RECEIVER, { eval: true, workerData: { messages } });
  await new Promise((resolve) => worker.once('online', resolve));
  const done = new Promise<void>((resolve) => worker.once('message', () => resolve()));
  const started = performance.now();
  for (let i = 0; i < messages; i += 1) worker.postMessage({ type: 'add', payload: i });
  await done;
  const seconds = (performance.now() - started) / 1000;
  await worker.terminate();
  return { variant: 'raw-postmessage', messages, seconds, msgsPerSecond: messages / seconds };
}

async function troupe(messages: number): Promise<Result> {
  const system = new ActorSystem({ seed: 1, placement: { actors: { '/bench/sink': 'worker:1' } } });
  system.spawnSupervisor('/bench');
  system.spawn('/bench/sink', countingSink, { mailbox: { capacity: 4096, policy: 'block' } });
  await system.ask('/bench/sink', { type: 'get' }, 60_000); // the worker is up and the actor started
  const started = performance.now();
  for (let i = 0; i < messages; i += 1) {
    const sent = system.send('/bench/sink', { type: 'add', payload: i });
    if (sent !== undefined) await sent; // a full mailbox: wait for room (backpressure)
  }
  const counted = (await system.ask('/bench/sink', { type: 'get' }, 600_000)).payload as number;
  const seconds = (performance.now() - started) / 1000;
  if (counted !== messages) throw new Error(`the actor counted ${counted} of ${messages}`);
  await system.shutdown();
  return { variant: 'troupe', messages, seconds, msgsPerSecond: messages / seconds };
}

export async function benchWorkers(args: string[]): Promise<void> {
  const { json, flag, log } = benchArgs(args);
  const messages = flag('--messages', 1_000_000);
  const repeat = flag('--repeat', 3);
  const endpoints = flag('--endpoints', 100_000);
  const policies = flag('--policies', 10_000);
  const variants: Variant[] = ['troupe', 'raw-postmessage', 'calc-main', 'calc-spread'];
  const runs = new Map<Variant, Result[]>(variants.map((variant) => [variant, []]));
  for (let round = 0; round < repeat; round += 1) {
    for (const variant of variants) {
      const result = inFreshProcess<Result>(import.meta.url, [variant, String(messages), String(endpoints), String(policies)]);
      runs.get(variant)!.push(result);
      log(`round ${round + 1}/${repeat} ${variant.padEnd(16)} ${Math.round(result.msgsPerSecond).toLocaleString('en-US').padStart(12)} ${variant.startsWith('calc') ? 'records' : 'msgs'}/s  ${result.seconds.toFixed(2)} s`);
    }
  }
  const rate = (variant: Variant) => median(runs.get(variant)!.map((run) => run.msgsPerSecond));
  const seconds = (variant: Variant) => median(runs.get(variant)!.map((run) => run.seconds));
  const figures = {
    messages, repeat, statistic: 'median of interleaved runs, each in a fresh process',
    crossThread: {
      troupeMsgsPerSec: Math.round(rate('troupe')),
      rawPostMessageMsgsPerSec: Math.round(rate('raw-postmessage')),
      runsMsgsPerSec: Object.fromEntries((['troupe', 'raw-postmessage'] as const).map((variant) => [variant, runs.get(variant)!.map((run) => Math.round(run.msgsPerSecond))])),
    },
    calc: {
      endpoints, localEndpoints: 200, policies, placement: CALC_SPREAD_PLACEMENT,
      mainSeconds: Number(seconds('calc-main').toFixed(3)),
      spreadSeconds: Number(seconds('calc-spread').toFixed(3)),
      dataplaneMessages: runs.get('calc-main')![0]!.messages,
      runsSeconds: { main: runs.get('calc-main')!.map((run) => Number(run.seconds.toFixed(3))), spread: runs.get('calc-spread')!.map((run) => Number(run.seconds.toFixed(3))) },
    },
  };
  const ratios = {
    crossThreadVsMessagePort: Number((rate('troupe') / rate('raw-postmessage')).toFixed(3)),
    spreadVsMain: Number((seconds('calc-main') / seconds('calc-spread')).toFixed(3)),
  };
  const goals = { crossThreadVsMessagePort: 1.0, spreadVsMain: 1.3 };
  if (json) console.log(JSON.stringify({ bench: 'workers', figures, ratios, goals }));
  else console.log(JSON.stringify({ figures, ratios, goals }, null, 2));
}

if (process.argv[2] === '--case') {
  const [variant, messages, endpoints, policies] = process.argv.slice(3) as [Variant, string, string, string];
  const result = variant === 'troupe' ? await troupe(Number(messages))
    : variant === 'raw-postmessage' ? await rawPostMessage(Number(messages))
    : await calcSnapshot(variant, Number(endpoints), Number(policies));
  console.log(JSON.stringify(result));
  process.exit(0);
}
