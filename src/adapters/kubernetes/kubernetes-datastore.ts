/**
 * `--datastore k8s`: the cluster itself. One reflector per resource (reflector.ts): Namespaces,
 * ServiceAccounts, Pods, NetworkPolicies, and the Calico CRDs (crd.projectcalico.org/v1) that the API
 * server has. Each object is converted as Calico converts it; the records go out as changes
 * (record-snapshot.ts), coalesced per list and per batch of watch events. Status: WaitForDatastore
 * until the API server answers, ResyncInProgress during the first lists, InSync once every
 * resource has been listed.
 *
 * Positions, for resuming after a restart (durable state): each resource's resourceVersion (under
 * its API path) and, per object, its resourceVersion and the keys of the records it became (under
 * `k8s-object:<group>/<plural>/<namespace>/<name>`) — a watch event names only the object, so its
 * old records are known from these. Every batch goes out as: claims, records, positions. A claim
 * (an object's old and new record keys, no resourceVersion) precedes records with keys its object did
 * not have, so every stored record is claimed by its object's stored entry whatever moment a run is
 * killed at; positions follow the records they stand for, objects before resources, so a stored
 * resourceVersion never runs ahead of them and a killed run sees those events again (idempotent).
 * Resumed, the datastore rebuilds its per-object state from them and watches each resource from its
 * stored resourceVersion; where that is too old (410) — or was never stored — the reflector lists and
 * diffs against the stored objects. Either way only what changed while troupe was down goes out.
 */
import type { Clock } from '../../runtime/clock.js';
import { convertObject } from '../datastore/convert/convert.js';
import { ConversionError, objectName } from '../datastore/convert/resource.js';
import type { KubeObject, ModelRecord } from '../datastore/convert/resource.js';
import type { DatastoreResume, DatastoreSink, SourcePosition } from '../datastore/file-datastore.js';
import { RecordSnapshot, recordKey } from '../datastore/record-snapshot.js';
import { KubeApiError } from './kube-client.js';
import type { KubeClient } from './kube-client.js';
import { Reflector, resourcePath } from './reflector.js';
import type { BackoffOptions, ReflectorResume, ResourceType } from './reflector.js';

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

/** An object's position: `[resourceVersion, ...record keys]` as JSON, under this prefix and its source. */
export const OBJECT_POSITION = 'k8s-object:';

function decodeObjectPosition(position: string): [string, ...string[]] | undefined {
  try {
    const decoded = JSON.parse(position) as unknown;
    return Array.isArray(decoded) && decoded.length > 0 && decoded.every((item) => typeof item === 'string') ? decoded as [string, ...string[]] : undefined;
  } catch {
    return undefined;
  }
}

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
  /**
   * Positions not yet reported. They go out after the records they stand for, objects before
   * resources: a stored resourceVersion never runs ahead of the objects it covers.
   */
  #objectClaims = new Map<string, string>();
  #objectPositions = new Map<string, string>();
  #resourcePositions = new Map<string, string>();
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
   * previous run took in (durable state): each resource with a stored resourceVersion is watched
   * from there (see the header), the others are listed and diffed against the stored records.
   */
  async start(sink: DatastoreSink, resume?: DatastoreResume): Promise<void> {
    this.#sink = sink;
    const stored = resume === undefined ? undefined : await this.#restore(resume);
    sink.onStatus('WaitForDatastore');
    const resources = [...KUBERNETES_RESOURCES, ...await this.#calicoResources()];
    if (this.#stopped) return;
    if (stored !== undefined) this.#forgetUnserved(stored.objects, resources);
    sink.onStatus('ResyncInProgress');
    let pending = resources.length;
    await new Promise<void>((synced) => {
      for (const type of resources) {
        const reflector = new Reflector(type, this.#client, {
          upsert: (key, object) => this.#upsert(type, key, object),
          remove: (key) => this.#remove(type, key),
          synced: () => { pending -= 1; if (pending === 0) synced(); },
          problem: (message) => this.#sink?.onProblem(message),
          position: (resourceVersion) => { this.#resourcePositions.set(resourcePath(type), resourceVersion); this.#queuePublish(); },
        }, this.#options, stored?.resume(type));
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

  /**
   * The previous run's objects, from their positions: the snapshot takes them back (with the stored
   * records), and each resource's reflector gets its resourceVersion and the objects it knew.
   */
  async #restore(resume: DatastoreResume): Promise<{ objects: readonly string[]; resume: (type: ResourceType) => ReflectorResume }> {
    const records = await resume.records();
    const sources: [string, string[]][] = [];
    const known = new Map<string, Map<string, string>>(); // `group/plural/` → key → resourceVersion
    for (const [name, position] of resume.positions) {
      if (!name.startsWith(OBJECT_POSITION)) continue;
      const source = name.slice(OBJECT_POSITION.length);
      const decoded = decodeObjectPosition(position);
      if (decoded === undefined) continue; // unreadable: its records count as unclaimed (see RecordSnapshot.restore)
      const [version, ...keys] = decoded;
      sources.push([source, keys]);
      const [group, plural] = source.split('/', 2) as [string, string];
      const prefix = `${group}/${plural}/`;
      let objects = known.get(prefix);
      if (objects === undefined) known.set(prefix, (objects = new Map()));
      objects.set(source.slice(prefix.length), version);
    }
    this.#snapshot.restore(records, sources);
    return {
      objects: sources.map(([source]) => source),
      resume: (type) => ({ resourceVersion: resume.positions.get(resourcePath(type)), known: known.get(`${type.group}/${type.plural}/`) ?? new Map() }),
    };
  }

  /** Objects of a resource the API server no longer serves (a Calico CRD removed while down) are gone. */
  #forgetUnserved(objects: readonly string[], resources: readonly ResourceType[]): void {
    const served = new Set(resources.map((type) => `${type.group}/${type.plural}/`));
    for (const source of objects) {
      const [group, plural] = source.split('/', 2) as [string, string];
      if (served.has(`${group}/${plural}/`)) continue;
      this.#snapshot.delete(source);
      this.#objectPositions.set(OBJECT_POSITION + source, '');
    }
  }

  #upsert(type: ResourceType, key: string, object: KubeObject): void {
    const source = this.#source(type, key);
    let records: readonly ModelRecord[] = [];
    try {
      records = convertObject(object).records;
    } catch (error) {
      if (!(error instanceof ConversionError)) throw error;
      this.#sink?.onProblem(`${type.kind} ${objectName(object)}: ${error.reason} (left out)`);
    }
    const name = OBJECT_POSITION + source;
    const keys = records.map(recordKey);
    const claim = this.#objectClaims.get(name);
    const claimed = new Set(claim === undefined ? this.#snapshot.keysOf(source) : decodeObjectPosition(claim)!.slice(1));
    if (keys.some((key) => !claimed.has(key))) this.#objectClaims.set(name, JSON.stringify(['', ...new Set([...claimed, ...keys])]));
    this.#snapshot.set(source, records);
    const version = String((object.metadata as { resourceVersion?: unknown } | undefined)?.resourceVersion ?? '');
    this.#objectPositions.set(name, JSON.stringify([version, ...keys]));
    this.#queuePublish();
  }

  #remove(type: ResourceType, key: string): void {
    const source = this.#source(type, key);
    this.#snapshot.delete(source);
    this.#objectPositions.set(OBJECT_POSITION + source, '');
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
    if (this.#stopped) return; // nothing goes out after stop
    if (this.#objectClaims.size > 0) {
      this.#sink?.onPositions?.([...this.#objectClaims]);
      this.#objectClaims = new Map();
    }
    const updates = this.#snapshot.changes();
    if (updates.length > 0) {
      this.#revision += 1;
      this.#sink?.onUpdates(updates, this.#revision);
    }
    if (this.#objectPositions.size + this.#resourcePositions.size === 0) return;
    const positions: SourcePosition[] = [...this.#objectPositions, ...this.#resourcePositions];
    this.#objectPositions = new Map();
    this.#resourcePositions = new Map();
    this.#sink?.onPositions?.(positions);
  }
}
