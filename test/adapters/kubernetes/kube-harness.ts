/**
 * What the Kubernetes datastore tests share: a sink that records every callback (tests wait on what
 * they expect, no sleeping) and a client for a fake API server with a simulated clock and seeded
 * randomness.
 */
import { KubeConfig } from '@kubernetes/client-node';
import type { ModelRecord } from '../../../src/adapters/datastore/convert/resource.js';
import type { DatastoreSink, SourcePosition } from '../../../src/adapters/datastore/file-datastore.js';
import { RestKubeClient } from '../../../src/adapters/kubernetes/kube-client.js';
import type { SyncStatus } from '../../../src/actors/calc/graph/events.js';
import { SimulatedClock } from '../../../src/runtime/clock.js';

export const PODS = '/api/v1/pods';
export const NAMESPACES = '/api/v1/namespaces';
export const POLICIES = '/apis/networking.k8s.io/v1/networkpolicies';

export const pod = (name: string, ip: string, labels: Record<string, string> = { app: 'web' }) => ({ metadata: { name, namespace: 'shop', labels }, spec: { nodeName: 'node-1' }, status: { podIP: ip } });

/** One callback, in the order received. */
export type SinkCall = { readonly kind: 'updates'; readonly records: readonly ModelRecord[] } | { readonly kind: 'positions'; readonly positions: readonly SourcePosition[] };

/** Records every callback; tests wait on what they expect (no sleeping). */
export class Recorder implements DatastoreSink {
  readonly statuses: SyncStatus[] = [];
  readonly problems: string[] = [];
  readonly updates: ModelRecord[] = [];
  readonly positions = new Map<string, string>();
  readonly calls: SinkCall[] = [];
  onPositions(positions: readonly SourcePosition[]): void {
    this.calls.push({ kind: 'positions', positions });
    for (const [source, position] of positions) this.positions.set(source, position);
    this.#wake();
  }
  readonly #waiters: { test: () => boolean; resolve: () => void }[] = [];
  onUpdates(updates: readonly ModelRecord[]): void { this.calls.push({ kind: 'updates', records: updates }); this.updates.push(...updates); this.#wake(); }
  onStatus(status: SyncStatus): void { this.statuses.push(status); this.#wake(); }
  onProblem(message: string): void { this.problems.push(message); this.#wake(); }
  until(test: () => boolean): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }
  #wake(): void {
    for (const waiter of [...this.#waiters]) if (waiter.test()) { this.#waiters.splice(this.#waiters.indexOf(waiter), 1); waiter.resolve(); }
  }
  /** The current state of each key, after every update so far. */
  current(from: ReadonlyMap<string, ModelRecord> = new Map()): Map<string, ModelRecord> {
    const state = new Map(from);
    for (const record of this.updates) {
      const key = `${record.type}:${JSON.stringify(record.key)}`;
      if (record.value === null) state.delete(key);
      else state.set(key, record);
    }
    return state;
  }
  endpoints(): string[] {
    return [...this.current().values()].filter((record) => record.type === 'WorkloadEndpoint').map((record) => String(record.key['workloadId'])).sort();
  }
}

/** A client for the fake API server at `url`, with a simulated clock and a seeded random source. */
export function fakeClient(url: string, seed = 7) {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
    users: [{ name: 'tester', token: 'secret' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'tester' }],
    currentContext: 'fake',
  });
  const clock = new SimulatedClock();
  let state = seed;
  const random = () => { state = (state * 1103515245 + 12345) % 2 ** 31; return state / 2 ** 31; };
  return { client: new RestKubeClient(config), clock, random };
}
