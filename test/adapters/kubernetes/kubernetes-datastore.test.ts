import { afterEach, describe, expect, it } from 'vitest';
import { KubernetesDatastore } from '../../../src/adapters/kubernetes/kubernetes-datastore.js';
import { clusterView } from '../../../src/actors/calc/trace/cluster-view.js';
import type { SimulatedClock } from '../../../src/runtime/clock.js';
import { FakeApiServer } from './fake-apiserver.js';
import { NAMESPACES, PODS, POLICIES, Recorder, fakeClient, pod } from './kube-harness.js';

const GNPS = '/apis/crd.projectcalico.org/v1/globalnetworkpolicies';

/** After a cut connection the reflector backs off on the simulated clock: move time past it. */
async function advancePastBackoff(sink: Recorder, clock: SimulatedClock, problemsBefore: number): Promise<void> {
  await sink.until(() => sink.problems.length > problemsBefore);
  clock.advance(Number(/retrying in (\d+) ms/.exec(sink.problems.at(-1)!)![1]));
}

let server: FakeApiServer;
let datastore: KubernetesDatastore | undefined;

async function connect(options: { crds?: string[]; seed?: number } = {}) {
  server = new FakeApiServer();
  server.calicoCrds = options.crds ?? [];
  return fakeClient(await server.start(), options.seed);
}

afterEach(async () => {
  datastore?.stop();
  datastore = undefined;
  await server.stop();
});

describe('the Kubernetes datastore against a fake API server', () => {
  it('lists, then watches from the list resourceVersion with bookmarks and a 5–10 minute timeout; follows adds and deletes', async () => {
    const { client, clock, random } = await connect();
    server.put(NAMESPACES, { metadata: { name: 'shop', labels: { team: 'web' } } });
    server.put(PODS, pod('a', '10.0.0.1'));
    const listedAt = server.resourceVersion;
    const sink = new Recorder();
    datastore = new KubernetesDatastore(client, { clock, random });
    await datastore.start(sink);
    expect(sink.statuses).toEqual(['WaitForDatastore', 'ResyncInProgress', 'InSync']);
    expect(sink.endpoints()).toEqual(['shop/a']);
    const watch = await server.nextRequest((request) => request.path === PODS && request.query['watch'] === 'true');
    expect(watch.query).toMatchObject({ resourceVersion: String(listedAt), allowWatchBookmarks: 'true' });
    expect(Number(watch.query['timeoutSeconds'])).toBeGreaterThanOrEqual(300);
    expect(Number(watch.query['timeoutSeconds'])).toBeLessThanOrEqual(600);
    expect(server.requests.some((request) => request.path.startsWith('/apis/crd.projectcalico.org/v1/'))).toBe(false);

    await server.nextRequest((request) => request.path === POLICIES && request.query['watch'] === 'true');
    server.put(PODS, pod('b', '10.0.0.2'));
    server.put(POLICIES, { metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } });
    await sink.until(() => sink.endpoints().length === 2 && sink.current().has('Policy:{"kind":"KubernetesNetworkPolicy","namespace":"shop","name":"deny"}'));
    server.remove(PODS, 'shop', 'a');
    await sink.until(() => sink.endpoints().length === 1);
    expect(sink.endpoints()).toEqual(['shop/b']);

    // The stream builds the right view: b isolated by the namespace's deny-all policy.
    const view = clusterView([...sink.current().values()]);
    expect(view.view().endpoints['k8s/shop/b/eth0']!.tiers).toEqual([{ name: 'default', ingress: ['KubernetesNetworkPolicy/shop/deny'], egress: [] }]);
    expect(sink.problems).toEqual([]);
  });

  it('resumes from the last BOOKMARK after a connection is cut mid-stream, without listing again', async () => {
    const { client, clock, random } = await connect();
    server.put(PODS, pod('a', '10.0.0.1'));
    const sink = new Recorder();
    datastore = new KubernetesDatastore(client, { clock, random });
    await datastore.start(sink);
    await server.nextRequest((request) => request.path === PODS && request.query['watch'] === 'true');
    server.put(PODS, pod('b', '10.0.0.2'));
    await sink.until(() => sink.endpoints().length === 2);
    server.bookmark(PODS);
    const bookmarkRv = String(server.resourceVersion);
    await sink.until(() => sink.positions.get(PODS) === bookmarkRv);
    const before = server.requests.length;
    server.put(NAMESPACES, { metadata: { name: 'other' } }); // moves the resourceVersion on without touching pods
    server.cutWatches(PODS);
    await advancePastBackoff(sink, clock, 0);
    const rewatch = await server.nextRequest((request) => request.path === PODS && request.query['watch'] === 'true', before);
    expect(rewatch.query['resourceVersion']).toBe(bookmarkRv);
    expect(server.requests.slice(before).filter((request) => request.path === PODS && request.query['watch'] === undefined)).toEqual([]);
    server.put(PODS, pod('c', '10.0.0.3'));
    await sink.until(() => sink.endpoints().length === 3);
    // Each pod arrived once: no duplicate updates from the reconnect.
    expect(sink.updates.filter((record) => record.type === 'WorkloadEndpoint').map((record) => record.key['workloadId'])).toEqual(['shop/a', 'shop/b', 'shop/c']);
    expect(Object.keys(clusterView([...sink.current().values()]).view().endpoints)).toEqual(['k8s/shop/a/eth0', 'k8s/shop/b/eth0', 'k8s/shop/c/eth0']);
  });

  for (const goneAs of ['an in-stream ERROR', 'the HTTP status'] as const) {
    it(`relists on 410 Gone (as ${goneAs}) and synthesizes deletions for objects that vanished meanwhile`, async () => {
      const { client, clock, random } = await connect();
      server.goneAsHttpStatus = goneAs === 'the HTTP status';
      server.put(PODS, pod('a', '10.0.0.1'));
      server.put(PODS, pod('b', '10.0.0.2'));
      const sink = new Recorder();
      datastore = new KubernetesDatastore(client, { clock, random });
      await datastore.start(sink);
      await server.nextRequest((request) => request.path === PODS && request.query['watch'] === 'true');
      const before = server.requests.length;
      // While the watch is down: a is deleted, c is created, and the history is compacted away.
      server.remove(PODS, 'shop', 'a');
      server.put(PODS, pod('c', '10.0.0.3'));
      server.compact();
      server.cutWatches(PODS);
      await advancePastBackoff(sink, clock, 0);
      await sink.until(() => sink.endpoints().join() === 'shop/b,shop/c');
      const relists = server.requests.slice(before).filter((request) => request.path === PODS && request.query['watch'] === undefined);
      expect(relists).toHaveLength(1);
      expect(sink.updates.filter((record) => record.type === 'WorkloadEndpoint' && record.value === null).map((record) => record.key['workloadId'])).toEqual(['shop/a']);
      expect(Object.keys(clusterView([...sink.current().values()]).view().endpoints)).toEqual(['k8s/shop/b/eth0', 'k8s/shop/c/eth0']);
    });
  }

  it('backs off on errors (800 ms doubling, with jitter) on the injected clock, then recovers', async () => {
    const { client, clock, random } = await connect();
    server.put(PODS, pod('a', '10.0.0.1'));
    server.failNext.set(PODS, [500, 500]);
    const sink = new Recorder();
    datastore = new KubernetesDatastore(client, { clock, random });
    const started = datastore.start(sink);
    await sink.until(() => sink.problems.length === 1);
    const first = Number(/retrying in (\d+) ms/.exec(sink.problems[0]!)![1]);
    expect(first).toBeGreaterThanOrEqual(800);
    expect(first).toBeLessThanOrEqual(1600);
    clock.advance(first);
    await sink.until(() => sink.problems.length === 2);
    const second = Number(/retrying in (\d+) ms/.exec(sink.problems[1]!)![1]);
    expect(second).toBeGreaterThanOrEqual(1600);
    expect(second).toBeLessThanOrEqual(3200);
    clock.advance(second);
    await started;
    expect(sink.endpoints()).toEqual(['shop/a']);
    expect(sink.problems[0]).toContain('/api/v1/pods: GET /api/v1/pods: 500 injected failure 500');
  });

  it('aborts a watch that has been silent past the inactivity timeout and watches again', async () => {
    const { client, clock, random } = await connect();
    const sink = new Recorder();
    datastore = new KubernetesDatastore(client, { clock, random, inactivityMs: 60_000 });
    await datastore.start(sink);
    await server.nextRequest((request) => request.path === PODS && request.query['watch'] === 'true');
    const before = server.requests.length;
    clock.advance(60_000);
    await sink.until(() => sink.problems.some((problem) => problem.startsWith(`${PODS}: no event or bookmark for 60000 ms`)));
    clock.advance(1_600); // the longest first backoff: 800 ms with full jitter
    await server.nextRequest((request) => request.path === PODS && request.query['watch'] === 'true', before);
  });

  it('watches the Calico CRDs the API server has, and converts them', async () => {
    const { client, clock, random } = await connect({ crds: ['globalnetworkpolicies', 'tiers'] });
    server.put(GNPS, { metadata: { name: 'g' }, spec: { selector: "app == 'web'", ingress: [{ action: 'Deny' }] } });
    const sink = new Recorder();
    datastore = new KubernetesDatastore(client, { clock, random });
    await datastore.start(sink);
    expect(sink.current().get('Policy:{"kind":"GlobalNetworkPolicy","namespace":"","name":"g"}')?.value).toMatchObject({ selector: "app == 'web'", inboundRules: [{ action: 'deny' }] });
    expect(server.requests.some((request) => request.path === '/apis/crd.projectcalico.org/v1/tiers')).toBe(true);
    expect(server.requests.some((request) => request.path === '/apis/crd.projectcalico.org/v1/hostendpoints')).toBe(false);
  });

  it('reports an object it cannot convert and leaves it out', async () => {
    const { client, clock, random } = await connect();
    server.put(PODS, pod('bad', '10.0.0.999'));
    server.put(PODS, pod('good', '10.0.0.1'));
    const sink = new Recorder();
    datastore = new KubernetesDatastore(client, { clock, random });
    await datastore.start(sink);
    expect(sink.endpoints()).toEqual(['shop/good']);
    expect(sink.problems).toEqual(['Pod shop/bad: pod IP "10.0.0.999" is not an IP address (left out)']);
  });
});
