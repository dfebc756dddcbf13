/**
 * `--datastore k8s`: the cluster itself. One reflector per resource (reflector.ts): Namespaces,
 * ServiceAccounts, Pods, NetworkPolicies, and the Calico CRDs (crd.projectcalico.org/v1) that the API
 * server has. Each object is converted as Calico converts it; the records go out as changes
 * (record-snapshot.ts), coalesced per list and per batch of watch events. Status: WaitForDatastore
 * until the API server answers, ResyncInProgress during the first lists, InSync once every
 * resource has been listed.
 */
import type { Clock } from '../../runtime/clock.js';
import { convertObject } from '../datastore/convert/convert.js';
import { ConversionError, objectName } from '../datastore/convert/resource.js';
import type { KubeObject } from '../datastore/convert/resource.js';
import type { DatastoreResume, DatastoreSink } from '../datastore/file-datastore.js';
import { RecordSnapshot } from '../datastore/record-snapshot.js';
import { KubeApiError } from './kube-client.js';
import type { KubeClient } from './kube-client.js';
import { Reflector, resourcePath } from './reflector.js';
import type { BackoffOptions, ResourceType } from './reflector.js';

export const KUBERNETES_RESOURCES: readonly ResourceType[] = [
  { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace' },
  { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount' },
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod' },
  { group: 'networking.k8s.io', version: 'v1', plural: 'networkpolicies', kind: 'NetworkPolicy' },
];

const CALICO_GROUP = 'crd.projectcalico.org';
export const CALICO_RESOURCES: readonly ResourceType[] = [
  ['tiers', 'Tier'], ['globalnetworkpolicies', 'GlobalNetworkPolicy'], ['networkpolicies', 'NetworkPolicy'], ['globalnetworksets', 'GlobalNetworkSet'],
  ['networksets', 'NetworkSet'], ['hostendpoints', 'HostEndpoint'], ['felixconfigurations', 'FelixConfiguration'], ['profiles', 'Profile'],
].map(([plural, kind]) => ({ group: CALICO_GROUP, version: 'v1', plural: plural!, kind: kind! }));

export interface KubernetesDatastoreOptions {
  readonly clock: Clock;
  readonly random: () => number;
  readonly inactivityMs?: number;
  readonly backoff?: Partial<BackoffOptions>;
}

export class KubernetesDatastore {
  readonly #client: KubeClient;
  readonly #options: KubernetesDatastoreOptions;
  readonly #snapshot = new RecordSnapshot();
  readonly #reflectors: Reflector[] = [];
  #sink: DatastoreSink | undefined;
  #revision = 0;
  #publishQueued = false;
  #stopped = false;

  constructor(client: KubeClient, options: KubernetesDatastoreOptions) {
    this.#client = client;
    this.#options = options;
  }

  get revision(): number {
    return this.#revision;
  }

  /** Where each resource's watch stands (resourceVersion), for resuming later. */
  positions(): Record<string, string | undefined> {
    return Object.fromEntries(this.#reflectors.map((reflector) => [resourcePath(reflector.type), reflector.resourceVersion]));
  }

  /** The reflectors, for their counters (lists, watches). */
  get reflectors(): readonly Reflector[] {
    return this.#reflectors;
  }

  /**
   * Resolves at InSync. The reflectors keep following the cluster until `stop`. `resume`: what a
   * previous run took in (durable state); the lists are diffed against its records, so only what
   * changed while troupe was down goes out. (Watching from the stored resourceVersions instead of
   * listing would also need each object's records stored; not done.)
   */
  async start(sink: DatastoreSink, resume?: DatastoreResume): Promise<void> {
    this.#sink = sink;
    if (resume !== undefined) this.#snapshot.seedPublished(await resume.records());
    sink.onStatus('WaitForDatastore');
    const resources = [...KUBERNETES_RESOURCES, ...await this.#calicoResources()];
    if (this.#stopped) return;
    sink.onStatus('ResyncInProgress');
    let pending = resources.length;
    await new Promise<void>((synced) => {
      for (const type of resources) {
        const reflector = new Reflector(type, this.#client, {
          upsert: (key, object) => this.#upsert(type, key, object),
          remove: (key) => this.#remove(type, key),
          synced: () => { pending -= 1; if (pending === 0) synced(); },
          problem: (message) => this.#sink?.onProblem(message),
          position: (resourceVersion) => this.#sink?.onPosition?.(resourcePath(type), resourceVersion),
        }, this.#options);
        this.#reflectors.push(reflector);
        void reflector.run();
      }
    });
    this.#publish();
    sink.onStatus('InSync');
  }

  stop(): void {
    this.#stopped = true;
    for (const reflector of this.#reflectors) reflector.stop();
  }

  /** The Calico CRDs this API server serves (none when the group is absent). Waits for the API server. */
  async #calicoResources(): Promise<ResourceType[]> {
    for (let attempt = 0; !this.#stopped; attempt += 1) {
      try {
        const list = await this.#client.getJson(`/apis/${CALICO_GROUP}/v1`) as { resources?: { name?: string }[] };
        const served = new Set((list.resources ?? []).map((resource) => resource.name));
        return CALICO_RESOURCES.filter((type) => served.has(type.plural));
      } catch (error) {
        if (error instanceof KubeApiError && error.status === 404) return [];
        const delay = Math.min(30_000, 800 * 2 ** attempt);
        this.#sink?.onProblem(`cannot reach the API server at ${this.#client.server}: ${(error as Error).message}; retrying in ${delay} ms`);
        await new Promise<void>((resolve) => { this.#options.clock.setTimeout(resolve, delay); });
      }
    }
    return [];
  }

  #source(type: ResourceType, key: string): string {
    return `${type.group}/${type.plural}/${key}`;
  }

  #upsert(type: ResourceType, key: string, object: KubeObject): void {
    try {
      this.#snapshot.set(this.#source(type, key), convertObject(object).records);
    } catch (error) {
      if (!(error instanceof ConversionError)) throw error;
      this.#snapshot.delete(this.#source(type, key));
      this.#sink?.onProblem(`${type.kind} ${objectName(object)}: ${error.reason} (left out)`);
    }
    this.#queuePublish();
  }

  #remove(type: ResourceType, key: string): void {
    this.#snapshot.delete(this.#source(type, key));
    this.#queuePublish();
  }

  /** Coalesces a list, or the events of one read from a watch, into one batch. */
  #queuePublish(): void {
    if (this.#publishQueued) return;
    this.#publishQueued = true;
    queueMicrotask(() => {
      this.#publishQueued = false;
      this.#publish();
    });
  }

  #publish(): void {
    const updates = this.#snapshot.changes();
    if (updates.length === 0) return;
    this.#revision += 1;
    this.#sink?.onUpdates(updates, this.#revision);
  }
}
