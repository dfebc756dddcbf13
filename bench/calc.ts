/**
 * `npm run bench -- calc [--json] [--endpoints N] [--policies N] [--repeat N]`: the calculation graph.
 *   snapshot: a synthetic cluster (100,000 endpoints, 200 local; 10,000 policies) from the first record
 *             to InSync, fused and as actors; seconds, peak RSS, heap. actorsVsFused = fused / actors.
 *   isolated customers (Felix's shape) at N = 1k, 10k, 100k, beside Felix's own figures.
 *   selector scaling: the cost of an endpoint update with 100 and with 10,000 active selectors;
 *             selectorScaling = cost at 10k / cost at 100 (the candidate index keeps it flat).
 * Each case runs in a fresh process (clean heap, its own peak RSS); repeated cases are interleaved
 * and the median reported.
 */
import { ActorCalcGraph } from '../src/actors/calc/actors/wiring.js';
import { FusedCalcGraph } from '../src/actors/calc/fused.js';
import { validateRecords } from '../src/actors/calc/graph/dispatcher.js';
import { StateSink } from '../src/actors/calc/output/dataplane-connection.js';
import type { DataplaneView } from '../src/actors/calc/output/dataplane-state.js';
import { ActorSystem } from '../src/runtime/system.js';
import { LOCAL_NODE, isolatedCustomers, syntheticCluster } from './synthetic-cluster.js';
import type { KvRecord } from './synthetic-cluster.js';
import { benchArgs, inFreshProcess, median } from './fresh-process.js';

type Wiring = 'fused' | 'actors';

interface CaseResult {
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly heapMb: number;
  readonly activePolicies: number;
  readonly ipSets: number;
  readonly members: number;
  readonly messages: number;
}

const FELIX_ISOLATED = { 1_000: { seconds: 0.045, heapMb: 10 }, 10_000: { seconds: 0.388, heapMb: 48 }, 100_000: { seconds: 6.9, heapMb: 402 } } as const;

function heapMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

function summary(view: DataplaneView, messages: number, seconds: number): CaseResult {
  return {
    seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    heapMb: heapMb(),
    activePolicies: view.activePolicies.length,
    ipSets: Object.keys(view.ipSets).length,
    members: Object.values(view.ipSets).reduce((sum, set) => sum + set.members.length, 0),
    messages,
  };
}

/**
 * From the first record to InSync. The heap is measured after a full GC with the graph still live
 * and the input records released (what an agent holds once in sync; the actor source keeps its own
 * validated snapshot for replay, so that is counted).
 */
async function runSnapshot(makeRecords: () => KvRecord[], wiring: Wiring): Promise<CaseResult> {
  // A holder, so the records can be released for the heap figure while the graph stays live.
  const input: { records: KvRecord[] | undefined } = { records: makeRecords() };
  if (wiring === 'fused') {
    const sink = new StateSink();
    const start = performance.now();
    const graph = new FusedCalcGraph({ hostname: LOCAL_NODE, sink });
    graph.onRecords(input.records!);
    graph.onStatus('InSync');
    const seconds = (performance.now() - start) / 1000;
    input.records = undefined;
    return summary(sink.state.view(), sink.state.messages, seconds);
  }
  const system = new ActorSystem({ seed: 1 });
  let messages = 0;
  const start = performance.now();
  const graph = ActorCalcGraph.spawn(system, { hostname: LOCAL_NODE, sink: { write: () => { messages += 1; } } });
  await graph.onRecords(input.records!);
  await graph.onStatus('InSync');
  await graph.flush();
  const seconds = (performance.now() - start) / 1000;
  input.records = undefined;
  const result = summary(await graph.view(), messages, seconds);
  await system.shutdown();
  return result;
}

/** Microseconds per endpoint update with `selectors` active selector IP sets. */
function runSelectorScaling(selectors: number): { microsPerUpdate: number; selectors: number } {
  const remote = 10_000;
  const records: KvRecord[] = [];
  const perPolicy = 100;
  for (let p = 0; p < Math.ceil(selectors / perPolicy); p += 1) {
    const inboundRules = Array.from({ length: Math.min(perPolicy, selectors - p * perPolicy) }, (_rule, r) => ({ action: 'allow', srcSelector: `app == 'app-${p * perPolicy + r}'` }));
    records.push({ type: 'Policy', key: { kind: 'GlobalNetworkPolicy', namespace: '', name: `p-${p}` }, value: { selector: "role == 'local'", inboundRules } });
  }
  records.push({ type: 'WorkloadEndpoint', key: { hostname: LOCAL_NODE, orchestratorId: 'k8s', workloadId: 'ns/local', endpointId: 'eth0' }, value: { name: 'cali0', ipv4Nets: ['10.255.0.1/32'], labels: { role: 'local' } } });
  const endpoint = (index: number, app: number): KvRecord => ({
    type: 'WorkloadEndpoint',
    key: { hostname: 'node-1', orchestratorId: 'k8s', workloadId: `ns/pod-${index}`, endpointId: 'eth0' },
    value: { name: `cali${index}`, ipv4Nets: [`10.${(index >> 8) & 255}.${index & 255}.1/32`], labels: { app: `app-${app % selectors}`, tier: 'web' } },
  });
  for (let e = 0; e < remote; e += 1) records.push(endpoint(e, e));
  const graph = new FusedCalcGraph({ hostname: LOCAL_NODE, sink: { write: () => undefined } });
  graph.onRecords(records);
  graph.onStatus('InSync');
  const updates = validateRecords(Array.from({ length: 20_000 }, (_u, u) => endpoint(u % remote, u % remote + 1 + (u >> 4))), () => undefined);
  const start = performance.now();
  for (const update of updates) graph.onUpdate(update);
  graph.flush();
  return { microsPerUpdate: ((performance.now() - start) * 1000) / updates.length, selectors };
}

const child = <T>(args: string[]): T => inFreshProcess<T>(import.meta.url, args);

export async function benchCalc(args: string[]): Promise<void> {
  const { flag, log } = benchArgs(args);
  const endpoints = flag('--endpoints', 100_000);
  const policies = flag('--policies', 10_000);
  const repeat = flag('--repeat', 3);

  const snapshot: Record<Wiring, CaseResult[]> = { fused: [], actors: [] };
  for (let round = 0; round < repeat; round += 1) {
    for (const wiring of ['fused', 'actors'] as const) {
      const result = child<CaseResult>(['snapshot', wiring, String(endpoints), String(policies)]);
      snapshot[wiring].push(result);
      log(`snapshot ${wiring.padEnd(6)} round ${round + 1}/${repeat}: ${result.seconds.toFixed(2)} s, peak RSS ${result.peakRssMb.toFixed(0)} MB, heap ${result.heapMb.toFixed(0)} MB, ${result.activePolicies} active policies, ${result.ipSets} IP sets, ${result.members} members, ${result.messages} messages`);
    }
  }
  const seconds = (wiring: Wiring) => median(snapshot[wiring].map((result) => result.seconds));

  const isolated: Record<string, Record<Wiring, CaseResult>> = {};
  for (const count of [1_000, 10_000, 100_000] as const) {
    isolated[count] = { fused: child<CaseResult>(['isolated', 'fused', String(count)]), actors: child<CaseResult>(['isolated', 'actors', String(count)]) };
    const { fused, actors } = isolated[count];
    log(`isolated customers ${count}: fused ${fused.seconds.toFixed(3)} s / ${fused.heapMb.toFixed(0)} MB heap, actors ${actors.seconds.toFixed(3)} s / ${actors.heapMb.toFixed(0)} MB heap; Felix ${FELIX_ISOLATED[count].seconds} s / ${FELIX_ISOLATED[count].heapMb} MB`);
  }

  const scaling = (selectors: number) => median(Array.from({ length: repeat }, () => child<{ microsPerUpdate: number }>(['selectors', String(selectors)]).microsPerUpdate));
  const at100 = scaling(100);
  const at10k = scaling(10_000);
  log(`endpoint update: ${at100.toFixed(2)} µs with 100 active selectors, ${at10k.toFixed(2)} µs with 10,000`);

  const report = {
    bench: 'calc',
    figures: {
      snapshot: {
        endpoints, localEndpoints: 200, policies, repeat, statistic: 'median of interleaved runs, each in a fresh process',
        fusedSeconds: Number(seconds('fused').toFixed(3)),
        actorsSeconds: Number(seconds('actors').toFixed(3)),
        fusedPeakRssMb: Math.round(Math.max(...snapshot.fused.map((result) => result.peakRssMb))),
        actorsPeakRssMb: Math.round(Math.max(...snapshot.actors.map((result) => result.peakRssMb))),
        fusedHeapMb: Math.round(median(snapshot.fused.map((result) => result.heapMb))),
        actorsHeapMb: Math.round(median(snapshot.actors.map((result) => result.heapMb))),
        activePolicies: snapshot.fused[0]!.activePolicies,
        ipSets: snapshot.fused[0]!.ipSets,
        members: snapshot.fused[0]!.members,
        runsSeconds: { fused: snapshot.fused.map((result) => result.seconds), actors: snapshot.actors.map((result) => result.seconds) },
      },
      isolatedCustomers: Object.fromEntries(Object.entries(isolated).map(([count, results]) => [count, {
        fusedSeconds: Number(results.fused.seconds.toFixed(3)), fusedHeapMb: Math.round(results.fused.heapMb),
        actorsSeconds: Number(results.actors.seconds.toFixed(3)), actorsHeapMb: Math.round(results.actors.heapMb),
        felixSeconds: FELIX_ISOLATED[Number(count) as keyof typeof FELIX_ISOLATED].seconds,
        felixHeapMb: FELIX_ISOLATED[Number(count) as keyof typeof FELIX_ISOLATED].heapMb,
      }])),
      endpointUpdateMicros: { selectors100: Number(at100.toFixed(3)), selectors10k: Number(at10k.toFixed(3)) },
      felixNote: 'Felix figures are from its own benchmark on an i9-8950HK (design/felix.md §5), not measured here',
    },
    ratios: {
      actorsVsFused: Number((seconds('fused') / seconds('actors')).toFixed(3)),
      selectorScaling: Number((at10k / at100).toFixed(3)),
    },
    goals: { actorsVsFused: 0.8, selectorScaling: 3 },
  };
  console.log(JSON.stringify(report));
}

if (process.argv[2] === '--case') {
  const [kind, a, b, c] = process.argv.slice(3);
  let result: unknown;
  if (kind === 'snapshot') {
    result = await runSnapshot(() => syntheticCluster({ namespaces: 500, endpoints: Number(b), localEndpoints: 200, nodes: 500, policies: Number(c), apps: 2_000, networkSets: 100, seed: 1 }), a as Wiring);
  } else if (kind === 'isolated') {
    result = await runSnapshot(() => isolatedCustomers(Number(b), 100), a as Wiring);
  } else {
    result = runSelectorScaling(Number(a));
  }
  console.log(JSON.stringify(result));
}
