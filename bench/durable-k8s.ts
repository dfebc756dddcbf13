/**
 * The Kubernetes half of `bench durable`'s restart: one life of the agent against an API server (the
 * fake one from the tests, real HTTP on loopback) holding the synthetic cluster, from a new process's
 * start until it has caught up with the server — in sync, every watch past a bookmark sent once it is
 * open (so everything the server had is in), flushed to the dataplane file and committed.
 *   resync: no stored state: list every resource, convert, compute, send everything.
 *   resume: the LMDB state a previous life left, after one pod was created while it was down: watch
 *           each resource from its stored resourceVersion (no list), rebuild the calculators from the
 *           stored snapshot, send only the difference.
 */
import { KubeConfig } from '@kubernetes/client-node';
import type { ModelRecord } from '../src/adapters/datastore/convert/resource.js';
import type { SourcePosition } from '../src/adapters/datastore/file-datastore.js';
import { RestKubeClient } from '../src/adapters/kubernetes/kube-client.js';
import { KubernetesDatastore } from '../src/adapters/kubernetes/kubernetes-datastore.js';
import type { Durability } from '../src/runtime/persistence/state-store.js';
import { FakeApiServer } from '../test/adapters/kubernetes/fake-apiserver.js';
import { yamlClusterObjects } from './synthetic-yaml.js';
import { bootDurableAgent } from './durable-agent.js';

const LOCAL_NODE = 'node-0';
const RESOURCES = ['/api/v1/namespaces', '/api/v1/serviceaccounts', '/api/v1/pods', '/apis/networking.k8s.io/v1/networkpolicies'];
const LATE_POD = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'late-0', namespace: 'ns-0', labels: { app: 'web' } }, spec: { nodeName: LOCAL_NODE, containers: [{ name: 'main' }] }, status: { podIP: '10.255.255.1' } };

export interface KubernetesLife {
  /** From start until caught up, flushed and committed. */
  readonly seconds: number;
  /** From start until the datastore reported InSync. */
  readonly inSyncSeconds: number;
  readonly records: number;
  readonly sent: number;
  readonly lists: number;
  readonly commits: number;
  readonly appendedBytes: number;
}

async function life(dir: string, server: FakeApiServer, url: string, durability: Durability): Promise<KubernetesLife> {
  const { start, system, store, sink, graph, appended } = bootDurableAgent(dir, durability, { hostname: LOCAL_NODE, autoFlush: true });
  const point = store.enabled ? await graph.resumePoint() : undefined;
  const config = new KubeConfig();
  config.loadFromOptions({ clusters: [{ name: 'bench', server: url, skipTLSVerify: true }], users: [{ name: 'u', token: 't' }], contexts: [{ name: 'c', cluster: 'bench', user: 'u' }], currentContext: 'c' });
  const datastore = new KubernetesDatastore(new RestKubeClient(config), { clock: system.clock, random: () => 0.5 });
  const positions = new Map<string, string>();
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  const wake = () => { for (const waiter of [...waiters]) if (waiter.test()) { waiters.splice(waiters.indexOf(waiter), 1); waiter.resolve(); } };
  let feeding: Promise<void> = Promise.resolve();
  let records = 0;
  const feed = (step: () => Promise<void>) => { feeding = feeding.then(step); };
  const before = server.requests.length;
  await datastore.start({
    onUpdates: (updates: readonly ModelRecord[]) => { records += updates.length; feed(() => graph.onRecords(updates)); },
    onStatus: (status) => feed(() => graph.onStatus(status)),
    onPositions: (moved: readonly SourcePosition[]) => { for (const [source, position] of moved) positions.set(source, position); feed(() => graph.onPositions(moved)); wake(); },
    onProblem: (problem) => console.error(problem),
  }, point === undefined ? undefined : { positions: point.positions, records: async () => await point.records() as ModelRecord[] });
  const inSyncSeconds = (performance.now() - start) / 1000;
  for (const path of RESOURCES) {
    await server.nextRequest((request) => request.path === path && request.query['watch'] === 'true', before);
    server.bookmark(path);
    const bookmark = String(server.resourceVersion);
    await new Promise<void>((resolve) => { waiters.push({ test: () => positions.get(path) === bookmark, resolve }); wake(); });
  }
  await feeding;
  const { sent } = await graph.flush();
  await store.flush();
  const seconds = (performance.now() - start) / 1000;
  datastore.stop();
  await system.shutdown();
  await store.close();
  sink.close();
  const lists = datastore.reflectors.reduce((sum, reflector) => sum + reflector.lists, 0);
  return { seconds, inSyncSeconds, records, sent, lists, commits: store.stats.commits, appendedBytes: appended() };
}

export async function kubernetesRestart(dir: string, mode: 'resync' | 'resume', endpoints: number, policies: number): Promise<KubernetesLife> {
  const server = new FakeApiServer();
  const url = await server.start();
  try {
    for (const { path, object } of yamlClusterObjects({ namespaces: 500, pods: endpoints, nodes: 500, policies })) server.put(path, object);
    if (mode === 'resync') return await life(dir, server, url, 'off');
    await life(dir, server, url, 'batch'); // the previous run, whose state the restart restores
    server.put('/api/v1/pods', LATE_POD); // created while troupe was down
    return await life(dir, server, url, 'batch');
  } finally {
    await server.stop();
  }
}
