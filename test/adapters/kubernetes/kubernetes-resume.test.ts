import { afterEach, describe, expect, it } from 'vitest';
import type { ModelRecord } from '../../../src/adapters/datastore/convert/resource.js';
import type { DatastoreResume } from '../../../src/adapters/datastore/file-datastore.js';
import { recordKey } from '../../../src/adapters/datastore/record-snapshot.js';
import { KubernetesDatastore } from '../../../src/adapters/kubernetes/kubernetes-datastore.js';
import { clusterView } from '../../../src/actors/calc/trace/cluster-view.js';
import { FakeApiServer } from './fake-apiserver.js';
import { NAMESPACES, PODS, POLICIES, Recorder, fakeClient, pod } from './kube-harness.js';
import type { SinkCall } from './kube-harness.js';

let server: FakeApiServer;
const running: KubernetesDatastore[] = [];

afterEach(async () => {
  for (const datastore of running.splice(0)) datastore.stop();
  await server.stop();
});

async function cluster() {
  server = new FakeApiServer();
  const url = await server.start();
  server.put(NAMESPACES, { metadata: { name: 'shop', labels: { team: 'web' } } });
  for (const [name, ip] of [['a', '10.0.0.1'], ['b', '10.0.0.2'], ['c', '10.0.0.3']] as const) server.put(PODS, pod(name, ip));
  server.put(POLICIES, { metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } });
  return url;
}

/** A datastore, started and caught up with the server (see `caughtUp`); `before`: the first request it made. */
async function start(url: string, resume?: DatastoreResume) {
  const sink = new Recorder();
  const { client, clock, random } = fakeClient(url);
  const datastore = new KubernetesDatastore(client, { clock, random });
  running.push(datastore);
  const before = server.requests.length;
  await datastore.start(sink, resume);
  await caughtUp(sink, before);
  return { sink, datastore, before };
}

/** What a run stored, as durable state holds it: the records it took in and the positions after them. */
function stored(records: ReadonlyMap<string, ModelRecord>, positions: ReadonlyMap<string, string>): DatastoreResume {
  return { positions: new Map([...positions].filter(([, position]) => position !== '')), records: () => Promise.resolve([...records.values()]) };
}

/** While the first run is down: a is deleted, b relabelled, d created; the namespace's labels change. */
function changeWhileDown(): void {
  server.remove(PODS, 'shop', 'a');
  server.put(PODS, pod('b', '10.0.0.2', { app: 'db' }));
  server.put(PODS, pod('d', '10.0.0.4'));
  server.put(NAMESPACES, { metadata: { name: 'shop', labels: { team: 'data' } } });
}

const RESOURCES = [NAMESPACES, '/api/v1/serviceaccounts', PODS, POLICIES];

/**
 * Resolves once a datastore started after request `after` has taken in everything the server had:
 * a bookmark sent down each of its watches has come back as that resource's position (events
 * arrive in order, and a position goes out after the records it stands for).
 */
async function caughtUp(sink: Recorder, after: number): Promise<void> {
  for (const path of RESOURCES) {
    await server.nextRequest((request) => request.path === path && request.query['watch'] === 'true', after);
    server.bookmark(path);
    const bookmark = String(server.resourceVersion);
    await sink.until(() => sink.positions.get(path) === bookmark);
  }
}

/** The cluster as a fresh run (list, no stored state) sees it. */
async function truth(url: string): Promise<Map<string, ModelRecord>> {
  const { sink, datastore } = await start(url);
  datastore.stop();
  return sink.current();
}

const sorted = (records: ReadonlyMap<string, ModelRecord>) => [...records.values()].sort((x, y) => recordKey(x).localeCompare(recordKey(y)));
const listsOf = (after: number) => server.requests.slice(after).filter((request) => request.query['watch'] === undefined && !request.path.endsWith('/v1'));
const endpointChanges = (sink: Recorder) => sink.updates.filter((record) => record.type === 'WorkloadEndpoint').map((record) => `${String(record.key['workloadId'])}${record.value === null ? ' deleted' : ''}`).sort();

describe('the Kubernetes datastore resuming from stored state', () => {
  it('watches each resource from its stored resourceVersion, lists nothing, and sends only what changed while it was down', async () => {
    const url = await cluster();
    const first = await start(url);
    first.datastore.stop();
    const podsAt = first.sink.positions.get(PODS)!;
    changeWhileDown();
    const expected = await truth(url);

    const second = await start(url, stored(first.sink.current(), first.sink.positions));
    const before = second.before;
    expect(second.sink.statuses).toEqual(['WaitForDatastore', 'ResyncInProgress', 'InSync']);
    expect(sorted(second.sink.current(first.sink.current()))).toEqual(sorted(expected));
    expect(listsOf(before)).toEqual([]);
    expect(server.requests.slice(before).find((request) => request.path === PODS)?.query).toMatchObject({ watch: 'true', resourceVersion: podsAt });
    expect(endpointChanges(second.sink)).toEqual(['shop/a deleted', 'shop/b', 'shop/d']);
    expect(second.sink.updates.some((record) => record.type === 'Policy')).toBe(false); // untouched: not sent again
    expect(second.sink.problems).toEqual([]);
  });

  it('when a stored resourceVersion is too old (410), lists and diffs against the stored objects', async () => {
    const url = await cluster();
    const first = await start(url);
    first.datastore.stop();
    changeWhileDown();
    server.compact();
    const expected = await truth(url);

    const second = await start(url, stored(first.sink.current(), first.sink.positions));
    const before = second.before;
    expect(sorted(second.sink.current(first.sink.current()))).toEqual(sorted(expected));
    expect(listsOf(before).map((request) => request.path)).toEqual(expect.arrayContaining([PODS, NAMESPACES]));
    expect(endpointChanges(second.sink)).toEqual(['shop/a deleted', 'shop/b', 'shop/d']);
    expect(Object.keys(clusterView(sorted(expected)).view().endpoints)).toEqual(['k8s/shop/b/eth0', 'k8s/shop/c/eth0', 'k8s/shop/d/eth0']);
  });

  it('resumes to the cluster\'s state from whatever a run killed at any point had stored (records without their positions)', async () => {
    const url = await cluster();
    const first = await start(url);
    // Followed live, then the run dies: the history of calls is what it could have stored, in order.
    changeWhileDown();
    server.put(PODS, pod('e', '10.0.0.5'));
    await first.sink.until(() => first.sink.endpoints().join() === 'shop/b,shop/c,shop/d,shop/e');
    await first.sink.until(() => first.sink.positions.get(PODS) === String(server.resourceVersion));
    first.datastore.stop();
    server.put(PODS, pod('f', '10.0.0.6')); // and one change after it died
    const expected = await truth(url);

    const cuts = cutPoints(first.sink.calls);
    for (const [index, cut] of cuts.entries()) {
      const second = await start(url, stored(cut.records, cut.positions));
      second.datastore.stop();
      expect({ cut: index, view: sorted(second.sink.current(cut.records)) }).toEqual({ cut: index, view: sorted(expected) });
      // Nothing that exists in the end was taken away on the way (no remove-then-add in the dataplane).
      const flapped = second.sink.updates.filter((record) => record.value === null && expected.has(recordKey(record)));
      expect({ cut: index, flapped }).toEqual({ cut: index, flapped: [] });
    }
    expect(cuts.length).toBeGreaterThan(40);
  });
});

/**
 * Every state a kill could leave: after each record and each position (the graph takes a call's
 * records and positions in several messages, each stored on its own, in order).
 */
function cutPoints(calls: readonly SinkCall[]): { records: Map<string, ModelRecord>; positions: Map<string, string> }[] {
  const cuts: { records: Map<string, ModelRecord>; positions: Map<string, string> }[] = [];
  const records = new Map<string, ModelRecord>();
  const positions = new Map<string, string>();
  const snapshot = () => cuts.push({ records: new Map(records), positions: new Map(positions) });
  snapshot();
  for (const call of calls) {
    if (call.kind === 'updates') {
      for (const record of call.records) {
        if (record.value === null) records.delete(recordKey(record));
        else records.set(recordKey(record), record);
        snapshot();
      }
    } else {
      for (const [source, position] of call.positions) {
        if (position === '') positions.delete(source);
        else positions.set(source, position);
        snapshot();
      }
    }
  }
  return cuts;
}
