/**
 * `npm run bench -- datastore [--json] [--pods N] [--repeat N]`: a 10,000-pod cluster as YAML.
 *   parse + convert: YAML text → model records (objects/s);
 *   file: the file datastore loading the YAML to InSync, through the calc graph to the dataplane's InSync;
 *   k8s: the same objects served by the fake API server (real HTTP list/watch on loopback) through the
 *        Kubernetes datastore to the same InSync. k8sVsFile = file time / k8s time.
 * Each case runs in a fresh process; repeated cases are interleaved and the median reported.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { FusedCalcGraph } from '../src/actors/calc/fused.js';
import { StateSink } from '../src/actors/calc/output/dataplane-connection.js';
import type { SyncStatus } from '../src/actors/calc/graph/events.js';
import type { ModelRecord } from '../src/adapters/datastore/convert/resource.js';
import { readFileContents } from '../src/adapters/datastore/file-documents.js';
import { FileDatastore } from '../src/adapters/datastore/file-datastore.js';
import { NodeFileSystem } from '../src/adapters/datastore/file-system.js';
import { RestKubeClient } from '../src/adapters/kubernetes/kube-client.js';
import { KubernetesDatastore } from '../src/adapters/kubernetes/kubernetes-datastore.js';
import { realClock } from '../src/runtime/clock.js';
import { FakeApiServer } from '../test/adapters/kubernetes/fake-apiserver.js';
import { toYaml, yamlClusterObjects } from './synthetic-yaml.js';
import { inFreshProcess, median } from './fresh-process.js';

const SHAPE = (pods: number) => ({ namespaces: 50, pods, nodes: 20, policies: 200 });
const HOSTNAME = 'node-0';

interface Result { readonly seconds: number; readonly objects: number; readonly records: number; readonly localEndpoints: number }

/** Feeds a datastore's updates to a fused graph; resolves with the seconds from start to the dataplane's InSync. */
async function toInSync(start: (sink: { onUpdates(updates: readonly ModelRecord[]): void; onStatus(status: SyncStatus): void; onProblem(message: string): void }) => Promise<void>): Promise<{ seconds: number; records: number; localEndpoints: number }> {
  const sink = new StateSink();
  const graph = new FusedCalcGraph({ hostname: HOSTNAME, sink });
  let records = 0;
  const began = performance.now();
  await start({
    onUpdates: (updates) => { records += updates.length; graph.onRecords(updates); },
    onStatus: (status) => graph.onStatus(status),
    onProblem: (message) => { throw new Error(message); },
  });
  if (sink.state.inSyncCount !== 1) throw new Error('the dataplane did not reach InSync');
  return { seconds: (performance.now() - began) / 1000, records, localEndpoints: sink.state.endpoints.size };
}

async function runCase(kind: string, pods: number): Promise<Result> {
  const objects = yamlClusterObjects(SHAPE(pods));
  if (kind === 'parse') {
    const text = toYaml(objects);
    const began = performance.now();
    const contents = readFileContents('cluster.yaml', text);
    return { seconds: (performance.now() - began) / 1000, objects: objects.length, records: contents.records.length, localEndpoints: 0 };
  }
  if (kind === 'file') {
    const dir = mkdtempSync(join(tmpdir(), 'troupe-bench-'));
    writeFileSync(join(dir, 'cluster.yaml'), toYaml(objects));
    const datastore = new FileDatastore(dir, { fs: new NodeFileSystem(), clock: realClock });
    const result = await toInSync((sink) => datastore.start(sink));
    datastore.stop();
    rmSync(dir, { recursive: true });
    return { ...result, objects: objects.length };
  }
  const server = new FakeApiServer();
  const url = await server.start();
  for (const { path, object } of objects) server.put(path, object);
  const config = new KubeConfig();
  config.loadFromOptions({ clusters: [{ name: 'bench', server: url, skipTLSVerify: true }], users: [{ name: 'u', token: 't' }], contexts: [{ name: 'c', cluster: 'bench', user: 'u' }], currentContext: 'c' });
  const datastore = new KubernetesDatastore(new RestKubeClient(config), { clock: realClock, random: () => 0.5 });
  const result = await toInSync((sink) => datastore.start(sink));
  datastore.stop();
  await server.stop();
  return { ...result, objects: objects.length };
}


export async function benchDatastore(args: string[]): Promise<void> {
  const json = args.includes('--json');
  const flag = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
  const pods = flag('--pods', 10_000);
  const repeat = flag('--repeat', 3);
  const runs: Record<'parse' | 'file' | 'k8s', Result[]> = { parse: [], file: [], k8s: [] };
  for (let round = 0; round < repeat; round += 1) {
    for (const kind of ['parse', 'file', 'k8s'] as const) {
      const result = inFreshProcess<Result>(import.meta.url, [kind, String(pods)]);
      runs[kind].push(result);
      if (!json) console.log(`${kind.padEnd(5)} round ${round + 1}/${repeat}: ${result.seconds.toFixed(3)} s for ${result.objects} objects (${result.records} records${kind === 'parse' ? '' : `, ${result.localEndpoints} local endpoints`})`);
    }
  }
  const seconds = (kind: 'parse' | 'file' | 'k8s') => median(runs[kind].map((result) => result.seconds));
  const objects = runs.parse[0]!.objects;
  const report = {
    bench: 'datastore',
    figures: {
      pods, objects, repeat, statistic: 'median of interleaved runs, each in a fresh process',
      parseConvertSeconds: Number(seconds('parse').toFixed(3)),
      parseConvertObjectsPerSec: Math.round(objects / seconds('parse')),
      fileToInSyncSeconds: Number(seconds('file').toFixed(3)),
      k8sToInSyncSeconds: Number(seconds('k8s').toFixed(3)),
      k8sObjectsPerSec: Math.round(objects / seconds('k8s')),
      records: runs.file[0]!.records,
      localEndpoints: runs.file[0]!.localEndpoints,
      runsSeconds: { parse: runs.parse.map((result) => result.seconds), file: runs.file.map((result) => result.seconds), k8s: runs.k8s.map((result) => result.seconds) },
    },
    ratios: { k8sVsFile: Number((seconds('file') / seconds('k8s')).toFixed(3)) },
  };
  console.log(JSON.stringify(report));
}

if (process.argv[2] === '--case') {
  const result = await runCase(process.argv[3]!, Number(process.argv[4]));
  console.log(JSON.stringify(result));
}
