/**
 * `npm run bench -- inspect [--json] [--endpoints N] [--repeat N]`: the cost of being watched. The calc
 * snapshot (a synthetic cluster, actor wiring) to InSync, once with the inspection endpoint serving a
 * client — in its own process — that polls /actors ten times a second and follows /events, and once
 * with the endpoint up but no client. watchedVsUnwatched = watched throughput / unwatched throughput.
 */
import { spawn } from 'node:child_process';
import { calcEdges, registerCalcMetrics } from '../src/actors/calc/actors/calc-metrics.js';
import { ActorCalcGraph } from '../src/actors/calc/actors/wiring.js';
import { InspectionServer } from '../src/runtime/inspection/server.js';
import { ActorSystem } from '../src/runtime/system.js';
import { LOCAL_NODE, syntheticCluster } from './synthetic-cluster.js';
import { inFreshProcess, median } from './fresh-process.js';

/** The watching client: polls /actors every 100 ms and reads /events, counting what it got. */
const CLIENT = `
const base = process.argv[1];
let polls = 0, events = 0;
setInterval(async () => { try { await (await fetch(base + '/actors')).json(); polls += 1; } catch {} }, 100);
(async () => {
  const response = await fetch(base + '/events');
  const reader = response.body.getReader();
  process.stdout.write('following\\n');
  for (;;) { const { value, done } = await reader.read(); if (done) break; events += new TextDecoder().decode(value).split('\\n\\n').length - 1; }
})();
process.on('SIGTERM', () => { process.stdout.write(JSON.stringify({ polls, events }) + '\\n'); process.exit(0); });
`;

interface Result { readonly seconds: number; readonly records: number; readonly recordsPerSecond: number; readonly polls: number; readonly events: number }

async function runCase(watched: boolean, endpoints: number): Promise<Result> {
  const records = syntheticCluster({ namespaces: 500, endpoints, localEndpoints: 200, nodes: 500, policies: endpoints / 10, apps: 2_000, networkSets: 100, seed: 1 });
  const system = new ActorSystem({ seed: 1 });
  const graph = ActorCalcGraph.spawn(system, { hostname: LOCAL_NODE, sink: { write: () => undefined } });
  const server = await InspectionServer.start({ system, address: '127.0.0.1:0', edges: calcEdges, metrics: (registry) => registerCalcMetrics(registry, graph.figures, system) });
  const client = watched ? spawn(process.execPath, ['-e', CLIENT, server.url], { stdio: ['ignore', 'pipe', 'inherit'] }) : undefined;
  let clientOutput = '';
  client?.stdout.on('data', (chunk: Buffer) => { clientOutput += chunk.toString(); });
  if (client !== undefined) await new Promise<void>((resolve) => client.stdout.on('data', () => { if (clientOutput.includes('following')) resolve(); }));
  const start = performance.now();
  await graph.onRecords(records);
  await graph.onStatus('InSync');
  await graph.flush();
  const seconds = (performance.now() - start) / 1000;
  let counts = { polls: 0, events: 0 };
  if (client !== undefined) {
    const exited = new Promise<void>((resolve) => client.once('exit', () => resolve()));
    client.kill('SIGTERM');
    await exited;
    counts = JSON.parse(clientOutput.trim().split('\n').at(-1)!) as typeof counts;
  }
  await server.close();
  await system.shutdown();
  return { seconds, records: records.length, recordsPerSecond: records.length / seconds, ...counts };
}


export async function benchInspect(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const flag = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
  const endpoints = flag('--endpoints', 100_000);
  const repeat = flag('--repeat', 3);
  const runs: Record<'watched' | 'unwatched', Result[]> = { watched: [], unwatched: [] };
  for (let round = 0; round < repeat; round += 1) {
    for (const kind of ['unwatched', 'watched'] as const) {
      const result = inFreshProcess<Result>(import.meta.url, [kind, String(endpoints)]);
      runs[kind].push(result);
      if (!json) console.log(`${kind.padEnd(9)} round ${round + 1}/${repeat}: ${result.seconds.toFixed(2)} s, ${Math.round(result.recordsPerSecond).toLocaleString('en-US')} records/s${kind === 'watched' ? ` (client: ${result.polls} polls of /actors, ${result.events} events)` : ''}`);
    }
  }
  const rate = (kind: 'watched' | 'unwatched') => median(runs[kind].map((result) => result.recordsPerSecond));
  console.log(JSON.stringify({
    bench: 'inspect',
    figures: {
      endpoints, policies: endpoints / 10, records: runs.watched[0]!.records, repeat, statistic: 'median of interleaved runs, each in a fresh process',
      unwatchedRecordsPerSec: Math.round(rate('unwatched')),
      watchedRecordsPerSec: Math.round(rate('watched')),
      clientPolls: runs.watched.map((result) => result.polls),
      clientEvents: runs.watched.map((result) => result.events),
      runsSeconds: { unwatched: runs.unwatched.map((result) => result.seconds), watched: runs.watched.map((result) => result.seconds) },
    },
    ratios: { watchedVsUnwatched: Number((rate('watched') / rate('unwatched')).toFixed(3)) },
    goals: { watchedVsUnwatched: 0.9 },
  }));
}

if (process.argv[2] === '--case') {
  console.log(JSON.stringify(await runCase(process.argv[3] === 'watched', Number(process.argv[4]))));
}
