/**
 * Felix's state-test model (felix/calc/state_test.go): a State is a complete datastore snapshot (an
 * ordered list of KV records) plus the dataplane view expected from it. States are built by chaining:
 * each `with…` returns a new State. The principle: the view depends only on the current snapshot,
 * never on the path taken to it.
 */
import { parseSelector } from '../../../../src/actors/calc/selector/selector.js';
import { namedPortIpSetId } from '../../../../src/actors/calc/selector/unique-id.js';
import type { DataplaneView } from '../../../../src/actors/calc/output/dataplane-state.js';

export interface RawRecord {
  readonly type: string;
  readonly key: Record<string, unknown>;
  readonly value: unknown;
}

export interface ExpectedTier { readonly name: string; readonly ingress: readonly string[]; readonly egress: readonly string[] }

export interface ExpectedEndpoint {
  readonly tiers: readonly ExpectedTier[];
  readonly untrackedTiers: readonly ExpectedTier[];
  readonly preDnatTiers: readonly ExpectedTier[];
}

/** The part of the dataplane view a state pins down: set members, not set metadata. */
export interface ExpectedView {
  readonly ipSets: Readonly<Record<string, readonly string[]>>;
  readonly activePolicies: readonly string[];
  readonly untrackedPolicies: readonly string[];
  readonly preDnatPolicies: readonly string[];
  readonly activeProfiles: readonly string[];
  readonly endpoints: Readonly<Record<string, ExpectedEndpoint>>;
}

export const recordKey = (record: RawRecord): string => `${record.type}:${JSON.stringify(record.key)}`;

const sortedRecord = <T>(entries: Iterable<[string, T]>): Record<string, T> => Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export class State {
  constructor(
    readonly name: string,
    readonly kvs: readonly RawRecord[] = [],
    readonly expected: ExpectedView = { ipSets: {}, activePolicies: [], untrackedPolicies: [], preDnatPolicies: [], activeProfiles: [], endpoints: {} },
  ) {}

  named(name: string): State {
    return new State(name, this.kvs, this.expected);
  }

  /** Adds or replaces records; a replaced key moves to the end, as in Felix's withKVUpdates. */
  withKVs(...records: RawRecord[]): State {
    const keys = new Set(records.map(recordKey));
    return new State(this.name, [...this.kvs.filter((kv) => !keys.has(recordKey(kv))), ...records], this.expected);
  }

  withoutKVs(...records: RawRecord[]): State {
    const keys = new Set(records.map(recordKey));
    return new State(this.name, this.kvs.filter((kv) => !keys.has(recordKey(kv))), this.expected);
  }

  /** Expects an IP set with exactly these members; `null` expects no such set. */
  withIpSet(id: string, members: readonly string[] | null): State {
    const ipSets = new Map(Object.entries(this.expected.ipSets));
    if (members === null) ipSets.delete(id);
    else ipSets.set(id, [...members].sort());
    return this.#expect({ ipSets: sortedRecord(ipSets) });
  }

  withActivePolicies(...names: string[]): State {
    return this.#expect({ activePolicies: [...names].sort() });
  }

  withUntrackedPolicies(...names: string[]): State {
    return this.#expect({ untrackedPolicies: [...names].sort() });
  }

  withPreDnatPolicies(...names: string[]): State {
    return this.#expect({ preDnatPolicies: [...names].sort() });
  }

  withActiveProfiles(...names: string[]): State {
    return this.#expect({ activeProfiles: [...names].sort() });
  }

  /** Expects an endpoint with these tiers (untracked and pre-DNAT empty unless given); `null`: absent. */
  withEndpoint(id: string, tiers: readonly ExpectedTier[] | null, extra: Partial<ExpectedEndpoint> = {}): State {
    const endpoints = new Map(Object.entries(this.expected.endpoints));
    if (tiers === null) endpoints.delete(id);
    else endpoints.set(id, { tiers, untrackedTiers: extra.untrackedTiers ?? [], preDnatTiers: extra.preDnatTiers ?? [] });
    return this.#expect({ endpoints: sortedRecord(endpoints) });
  }

  #expect(change: Partial<ExpectedView>): State {
    return new State(this.name, this.kvs, { ...this.expected, ...change });
  }
}

export const EMPTY = new State('empty');

/** The parts of a computed view that states pin down. */
export function comparableView(view: DataplaneView): ExpectedView {
  return {
    ipSets: Object.fromEntries(Object.entries(view.ipSets).map(([id, set]) => [id, set.members])),
    activePolicies: view.activePolicies,
    untrackedPolicies: view.untrackedPolicies,
    preDnatPolicies: view.preDnatPolicies,
    activeProfiles: view.activeProfiles,
    endpoints: view.endpoints,
  };
}

/** Felix's IP set ID for a selector (any spelling of it). */
export function selectorId(selector: string): string {
  return parseSelector(selector).uniqueId;
}

/** Felix's IP set ID for a named port under a selector. */
export function namedPortId(selector: string, protocol: 'tcp' | 'udp' | 'sctp', port: string): string {
  return namedPortIpSetId(selectorId(selector), protocol, port);
}

/** One tier for the expectations: policies listed for both directions unless given separately. */
export function tier(name: string, ingress: readonly string[], egress: readonly string[] = ingress): ExpectedTier {
  return { name, ingress, egress };
}
