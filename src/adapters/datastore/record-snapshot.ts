/**
 * The datastore's current records, kept per source (a file, a Kubernetes object) and published as
 * changes: after sources change, `changes()` returns the records whose value differs from what was
 * last published (new or changed), and deletions for keys no source provides any more. Incremental:
 * only keys touched since the last call are looked at, so following a 100,000-object cluster one
 * event at a time costs per event, not per cluster.
 *
 * Like a live cluster, every namespace and service account an endpoint or network set names exists:
 * a `kns.<ns>` / `ksa.<ns>.<sa>` profile no source provides is made as the API server would have made
 * its object. The built-in tiers and the default-allow profile are always there. Real sources win
 * over both.
 */
import { builtinRecords } from './convert/calico-resources.js';
import { convertNamespace, serviceAccountProfile } from './convert/k8s-workloads.js';
import type { ModelRecord } from './convert/resource.js';

const BUILTIN = '\u0000builtin';
const IMPLIED = '\u0000implied:';

export const recordKey = (record: { type: string; key: Record<string, unknown> }): string => `${record.type}:${JSON.stringify(record.key)}`;
const rulesKey = (profile: string): string => recordKey({ type: 'ProfileRules', key: { name: profile } });

function profilesNamed(record: ModelRecord): readonly string[] {
  if (record.type !== 'WorkloadEndpoint' && record.type !== 'NetworkSet') return [];
  return (record.value as { profileIds?: string[] } | null)?.profileIds ?? [];
}

function impliedProfile(profile: string): ModelRecord[] {
  const namespace = /^kns\.(.+)$/.exec(profile)?.[1];
  if (namespace !== undefined) return convertNamespace({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  const account = /^ksa\.([^.]+)\.(.+)$/.exec(profile);
  return account === null ? [] : serviceAccountProfile(account[1]!, account[2]!, {});
}

export class RecordSnapshot {
  readonly #sources = new Map<string, Map<string, ModelRecord>>();
  readonly #providers = new Map<string, Set<string>>();
  readonly #published = new Map<string, ModelRecord>();
  readonly #dirty = new Set<string>();
  /** Profile name → how many records name it. */
  readonly #named = new Map<string, number>();
  readonly #dirtyProfiles = new Set<string>();

  constructor() {
    this.set(BUILTIN, builtinRecords());
  }

  get size(): number {
    return this.#published.size;
  }

  /**
   * What a previous run published (restored from durable state): the next `changes()` is relative to
   * it — only what differs, and deletions for what no source provides any more.
   */
  seedPublished(records: Iterable<ModelRecord>): void {
    for (const record of records) {
      const key = recordKey(record);
      this.#published.set(key, record);
      this.#dirty.add(key);
    }
  }

  /**
   * A previous run's state (durable): `records` is what it published, `sources` the keys each source
   * provided then. The next `changes()` looks only at records no source claims — deleting them
   * unless a source provides them again by then (a run killed between storing records and storing
   * their source leaves such records) — and at built-in and implied records, which this version of
   * troupe makes afresh.
   */
  restore(records: Iterable<ModelRecord>, sources: Iterable<readonly [source: string, keys: readonly string[]]>): void {
    this.seedPublished(records);
    for (const [source, keys] of sources) {
      const provided: ModelRecord[] = [];
      for (const key of keys) {
        const record = this.#published.get(key);
        if (record !== undefined) provided.push(record);
      }
      this.set(source, provided);
    }
    for (const key of this.#dirty) {
      const providers = this.#providers.get(key);
      if (providers !== undefined && !providers.has(BUILTIN)) this.#dirty.delete(key); // as it was published
    }
  }

  /** The keys of the records `source` provides now. */
  keysOf(source: string): Iterable<string> {
    return this.#sources.get(source)?.keys() ?? [];
  }

  /** Replaces everything `source` provides. */
  set(source: string, records: readonly ModelRecord[]): void {
    const next = new Map(records.map((record) => [recordKey(record), record] as const));
    const previous = this.#sources.get(source);
    for (const [key, record] of previous ?? []) {
      if (!next.has(key)) this.#unprovide(key, source);
      for (const profile of profilesNamed(record)) this.#count(profile, -1);
    }
    for (const [key, record] of next) {
      let providers = this.#providers.get(key);
      if (providers === undefined) this.#providers.set(key, (providers = new Set()));
      providers.add(source);
      this.#dirty.add(key);
      for (const profile of profilesNamed(record)) this.#count(profile, +1);
      if (record.type === 'ProfileRules') this.#dirtyProfiles.add(String(record.key['name']));
    }
    if (next.size === 0) this.#sources.delete(source);
    else this.#sources.set(source, next);
  }

  delete(source: string): void {
    this.set(source, []);
  }

  /** What changed since the last call, new and changed records and deletions, in the order touched. */
  changes(): ModelRecord[] {
    this.#settleImplied();
    const out: ModelRecord[] = [];
    for (const key of this.#dirty) {
      const record = this.#winner(key);
      const old = this.#published.get(key);
      if (record === undefined) {
        if (old === undefined) continue;
        this.#published.delete(key);
        out.push({ type: old.type, key: old.key, value: null });
      } else if (old === undefined || JSON.stringify(old.value) !== JSON.stringify(record.value)) {
        this.#published.set(key, record);
        out.push(record);
      }
    }
    this.#dirty.clear();
    return out;
  }

  #unprovide(key: string, source: string): void {
    const providers = this.#providers.get(key);
    providers?.delete(source);
    if (providers?.size === 0) this.#providers.delete(key);
    this.#dirty.add(key);
    if (key.startsWith('ProfileRules:')) this.#dirtyProfiles.add((JSON.parse(key.slice('ProfileRules:'.length)) as { name: string }).name);
  }

  #count(profile: string, delta: 1 | -1): void {
    const count = (this.#named.get(profile) ?? 0) + delta;
    if (count === 0) this.#named.delete(profile);
    else this.#named.set(profile, count);
    this.#dirtyProfiles.add(profile);
  }

  /** The record a key has: the last source in order provides it (real sources sort after built-ins). */
  #winner(key: string): ModelRecord | undefined {
    const providers = this.#providers.get(key);
    if (providers === undefined || providers.size === 0) return undefined;
    const source = providers.size === 1 ? providers.values().next().value! : [...providers].sort().at(-1)!;
    return this.#sources.get(source)?.get(key);
  }

  #settleImplied(): void {
    for (const profile of this.#dirtyProfiles) {
      const source = `${IMPLIED}${profile}`;
      const providers = this.#providers.get(rulesKey(profile));
      const realProvider = providers !== undefined && [...providers].some((provider) => provider !== source);
      const wanted = (this.#named.get(profile) ?? 0) > 0 && !realProvider;
      if (wanted && !this.#sources.has(source)) this.set(source, impliedProfile(profile));
      else if (!wanted && this.#sources.has(source)) this.delete(source);
    }
    this.#dirtyProfiles.clear();
  }
}
