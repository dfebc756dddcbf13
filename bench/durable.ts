/**
 * `npm run bench -- durable [--json] [--endpoints N] [--policies N] [--repeat N]`: what durability costs
 * and what it buys, on the calc bench's synthetic cluster (100,000 endpoints, 200 local; 10,000 policies),
 * the actor wiring writing Felix frames to a file as `--dataplane file:` does.
 *   snapshot: first record to InSync flushed — and, when durable, committed to LMDB — with durability
 *             off, batch and sync. batchDurableVsOff = batch throughput / off throughput.
 *   restart:  the same cluster as Kubernetes YAML in a file datastore (100 files); a new process's time
 *             to InSync: a full resync (no state: read, convert, compute, send everything) against a
 *             restart from the LMDB state a previous run left, on files that did not change (every file's
 *             stamp as stored and the output reflecting every stored record: in sync at once, re-read and
 *             rebuilt in the background — "warm" is when that is done too), and after one pod was created
 *             while it was down (a full re-read and recompute, sending only the difference).
 *             restoreVsResync = resync time / restore time; restoreAfterOneChangeVsResync likewise.
 *   k8s:      the same objects served by an API server (bench/durable-k8s.ts): a full resync (list
 *             everything) against a restart from LMDB that watches from the stored resourceVersions,
 *             one pod having been created while it was down; each until caught up with the server.
 *             kubernetesResumeVsResync = resync time / resume time.
 *   LMDB size on disk after the snapshot.
 * Each case runs in a fresh process (its own heap); rounds are interleaved and the median reported.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { PooledParser } from '../src/adapters/datastore/file-parser.js';
import { join } from 'node:path';
import type { ModelRecord } from '../src/adapters/datastore/convert/resource.js';
import { FileDatastore } from '../src/adapters/datastore/file-datastore.js';
import { NodeFileSystem } from '../src/adapters/datastore/file-system.js';
import { RecordSnapshot } from '../src/adapters/datastore/record-snapshot.js';
import type { Durability } from '../src/runtime/persistence/state-store.js';
import { LOCAL_NODE, syntheticCluster } from './synthetic-cluster.js';
import { toYaml, yamlClusterObjects } from './synthetic-yaml.js';

/** yamlClusterObjects spreads pods over `node-<n>`; node-0 gets every 500th. */
const YAML_LOCAL_NODE = 'node-0';
/** As `troupe run` parses files: on a piscina pool, one thread per CPU up to 4, given two or more (TROUPE_BENCH_PARSE_THREADS=0: in place). */
const PARSE_THREADS = Number(process.env['TROUPE_BENCH_PARSE_THREADS'] ?? (availableParallelism() >= 2 ? Math.min(4, availableParallelism()) : 0));
const LATE_POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: late-0, namespace: ns-0, labels: {app: web}}\nspec: {nodeName: node-0, containers: [{name: main}]}\nstatus: {podIP: 10.255.255.1}\n';
import { benchArgs, inFreshProcess, median } from './fresh-process.js';
import { kubernetesRestart } from './durable-k8s.js';
import { bootDurableAgent } from './durable-agent.js';

interface RunResult {
  readonly seconds: number;
  /** Kubernetes restarts: until the datastore reported InSync (`seconds`: until caught up with the server). */
  readonly inSyncSeconds?: number;
  /** Kubernetes restarts: lists made (0 when every resource resumed its watch). */
  readonly lists?: number;
  /** File-datastore restarts: until the background re-read and the calculators' rebuild are done too. */
  readonly warmSeconds?: number;
  readonly resumedUnchanged?: boolean;
  readonly records: number;
  readonly sent: number;
  readonly lmdbMb: number;
  readonly commits: number;
  /** Bytes this life appended to the dataplane file. */
  readonly appendedBytes: number;
}

function cluster(endpoints: number, policies: number): ModelRecord[] {
  return syntheticCluster({ namespaces: 500, endpoints, localEndpoints: 200, nodes: 500, policies, apps: 2_000, networkSets: 100, seed: 1 }) as ModelRecord[];
}

function lmdbMb(dir: string): number {
  try {
    return statSync(join(dir, 'troupe.mdb')).size / 2 ** 20;
  } catch {
    return 0;
  }
}

/**
 * One life of the agent on `dir`: opens the state, spawns the graph (restoring what is stored), lets the
 * datastore diff its records against what the source restored, and runs to InSync, flushed and committed.
 */
async function life(dir: string, durability: Durability, records: readonly ModelRecord[]): Promise<RunResult> {
  const { start, system, store, sink, graph, appended } = bootDurableAgent(dir, durability, { hostname: LOCAL_NODE });
  const datastore = new RecordSnapshot();
  datastore.seedPublished(await (await graph.resumePoint()).records() as ModelRecord[]);
  datastore.set('cluster', records);
  const changes = datastore.changes();
  await graph.onRecords(changes);
  await graph.onStatus('InSync');
  const { sent } = await graph.flush();
  await system.shutdown();
  await store.close();
  sink.close();
  const seconds = (performance.now() - start) / 1000;
  return { seconds, records: changes.length, sent, lmdbMb: lmdbMb(join(dir, 'state')), commits: store.stats.commits, appendedBytes: appended() };
}

/** The synthetic cluster as Kubernetes YAML, 1,000 objects per file, as a file datastore reads it. */
function writeYamlCluster(dir: string, endpoints: number, policies: number): string {
  const cluster = join(dir, 'cluster');
  mkdirSync(cluster);
  const objects = yamlClusterObjects({ namespaces: 500, pods: endpoints, nodes: 500, policies });
  for (let start = 0, file = 0; start < objects.length; start += 1_000, file += 1) {
    writeFileSync(join(cluster, `objects-${String(file).padStart(4, '0')}.yaml`), toYaml(objects.slice(start, start + 1_000)));
  }
  return cluster;
}

/**
 * One life of the agent on the file datastore: from nothing to InSync (resumed or recomputed), then to
 * warm (the background re-read done, the calculators rebuilt, everything flushed).
 */
async function fileLife(dir: string, cluster: string, durability: Durability): Promise<RunResult & { warmSeconds: number; resumedUnchanged: boolean }> {
  const { start, system, store, sink, graph, appended } = bootDurableAgent(dir, durability, { hostname: YAML_LOCAL_NODE, autoFlush: true });
  const point = store.enabled ? await graph.resumePoint() : undefined;
  const datastore = new FileDatastore(cluster, { fs: new NodeFileSystem(), clock: system.clock, ...(PARSE_THREADS > 0 ? { parser: () => new PooledParser(PARSE_THREADS) } : {}) });
  let feeding: Promise<void> = Promise.resolve();
  let records = 0;
  const feed = (step: () => Promise<void>) => { feeding = feeding.then(step); };
  await datastore.start({
    onUpdates: (updates) => { records += updates.length; feed(() => graph.onRecords(updates)); },
    onStatus: (status) => feed(() => graph.onStatus(status)),
    onPositions: (positions) => feed(() => graph.onPositions(positions)),
    onProblem: (problem) => console.error(problem),
  }, point === undefined ? undefined : { positions: point.positions, records: async () => await point.records() as ModelRecord[] });
  const current = point?.current === true && datastore.resumedUnchanged;
  if (!current) {
    await feeding;
    await graph.flush();
  }
  const seconds = (performance.now() - start) / 1000;
  await datastore.settled();
  await feeding;
  const { sent } = await graph.flush();
  const warmSeconds = (performance.now() - start) / 1000;
  datastore.stop();
  await system.shutdown();
  await store.close();
  sink.close();
  return { seconds, warmSeconds, resumedUnchanged: datastore.resumedUnchanged, records, sent, lmdbMb: lmdbMb(join(dir, 'state')), commits: store.stats.commits, appendedBytes: appended() };
}

async function runCase(kind: string, mode: string, endpoints: number, policies: number): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'troupe-bench-durable-'));
  try {
    if (kind === 'snapshot') return await life(dir, mode as Durability, cluster(endpoints, policies));
    if (kind === 'k8s') return { ...await kubernetesRestart(dir, mode as 'resync' | 'resume', endpoints, policies), lmdbMb: lmdbMb(join(dir, 'state')) };
    const yaml = writeYamlCluster(dir, endpoints, policies);
    if (mode === 'resync') return await fileLife(dir, yaml, 'off');
    await fileLife(dir, yaml, 'batch'); // the previous run, whose state the restart restores
    if (mode === 'changed') writeFileSync(join(yaml, 'late.yaml'), LATE_POD); // one pod created while troupe was down
    return await fileLife(dir, yaml, 'batch');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const child = (args: string[]): RunResult => inFreshProcess<RunResult>(import.meta.url, args);
const round3 = (value: number): number => Math.round(value * 1000) / 1000;

export async function benchDurable(args: string[]): Promise<void> {
  const { json, flag, log } = benchArgs(args);
  const endpoints = flag('--endpoints', 100_000);
  const policies = flag('--policies', 10_000);
  const repeat = flag('--repeat', 3);
  const cases = [['snapshot', 'off'], ['snapshot', 'batch'], ['snapshot', 'sync'], ['restart', 'resync'], ['restart', 'restore'], ['restart', 'changed'], ['k8s', 'resync'], ['k8s', 'resume']] as const;
  const results = new Map<string, RunResult[]>(cases.map(([kind, mode]) => [`${kind}/${mode}`, []]));
  for (let round = 0; round < repeat; round += 1) {
    for (const [kind, mode] of cases) {
      const result = child([kind, mode, String(endpoints), String(policies)]);
      results.get(`${kind}/${mode}`)!.push(result);
      const detail = result.warmSeconds !== undefined ? ` (warm ${result.warmSeconds.toFixed(2)} s, resumed unchanged: ${String(result.resumedUnchanged)})`
        : result.inSyncSeconds !== undefined ? ` (InSync at ${result.inSyncSeconds.toFixed(2)} s, ${result.lists} lists)` : '';
      log(`${kind} ${mode.padEnd(7)} round ${round + 1}/${repeat}: ${result.seconds.toFixed(2)} s${detail}, ${result.records} records in, ${result.sent} dataplane messages (${result.appendedBytes} bytes appended), LMDB ${result.lmdbMb.toFixed(1)} MB, ${result.commits} commits`);
    }
  }
  const seconds = (key: string) => median(results.get(key)!.map((result) => result.seconds));
  const throughput = (mode: string) => Math.round(results.get(`snapshot/${mode}`)![0]!.records / seconds(`snapshot/${mode}`));
  const figures = {
    endpoints, localEndpoints: 200, policies, repeat, statistic: 'median of interleaved runs, each in a fresh process',
    snapshotSeconds: { off: round3(seconds('snapshot/off')), batch: round3(seconds('snapshot/batch')), sync: round3(seconds('snapshot/sync')) },
    snapshotRecordsPerSecond: { off: throughput('off'), batch: throughput('batch'), sync: throughput('sync') },
    restart: {
      datastore: 'file: Kubernetes YAML, 1,000 objects per file',
      inSyncSeconds: { resync: round3(seconds('restart/resync')), restore: round3(seconds('restart/restore')), restoreAfterOneChange: round3(seconds('restart/changed')) },
      warmSeconds: { restore: round3(median(results.get('restart/restore')!.map((result) => result.warmSeconds ?? 0))), restoreAfterOneChange: round3(median(results.get('restart/changed')!.map((result) => result.warmSeconds ?? 0))) },
      appendedBytes: { resync: results.get('restart/resync')![0]!.appendedBytes, restore: results.get('restart/restore')![0]!.appendedBytes, restoreAfterOneChange: results.get('restart/changed')![0]!.appendedBytes },
    },
    kubernetesRestart: {
      datastore: 'Kubernetes API (fake API server on loopback): the same objects; one pod created while down',
      caughtUpSeconds: { resync: round3(seconds('k8s/resync')), resume: round3(seconds('k8s/resume')) },
      inSyncSeconds: { resync: round3(median(results.get('k8s/resync')!.map((result) => result.inSyncSeconds ?? 0))), resume: round3(median(results.get('k8s/resume')!.map((result) => result.inSyncSeconds ?? 0))) },
      lists: { resync: results.get('k8s/resync')![0]!.lists, resume: results.get('k8s/resume')![0]!.lists },
      appendedBytes: { resync: results.get('k8s/resync')![0]!.appendedBytes, resume: results.get('k8s/resume')![0]!.appendedBytes },
    },
    lmdbMbAfterSnapshot: { batch: round3(median(results.get('snapshot/batch')!.map((result) => result.lmdbMb))), sync: round3(median(results.get('snapshot/sync')!.map((result) => result.lmdbMb))) },
    commits: { batch: results.get('snapshot/batch')![0]!.commits, sync: results.get('snapshot/sync')![0]!.commits },
  };
  const ratios = {
    batchDurableVsOff: round3(throughput('batch') / throughput('off')),
    syncDurableVsOff: round3(throughput('sync') / throughput('off')),
    restoreVsResync: round3(seconds('restart/resync') / seconds('restart/restore')),
    restoreAfterOneChangeVsResync: round3(seconds('restart/resync') / seconds('restart/changed')),
    kubernetesResumeVsResync: round3(seconds('k8s/resync') / seconds('k8s/resume')),
  };
  const goals = { batchDurableVsOff: 0.6, restoreVsResync: 10 };
  if (json) console.log(JSON.stringify({ bench: 'durable', figures, ratios, goals }));
  else console.log(JSON.stringify({ figures, ratios, goals }, null, 2));
}

if (process.argv[2] === '--case') {
  const [kind, mode, endpoints, policies] = process.argv.slice(3);
  console.log(JSON.stringify(await runCase(kind!, mode!, Number(endpoints), Number(policies))));
}
