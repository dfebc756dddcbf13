/**
 * The dataplane actor's mirror (what the dataplane has been sent), kept durable incrementally: each
 * message touches one entry (an IP set, a policy, a profile, an endpoint, the config), and a save
 * writes only the entries touched since the last one. Keys, relative to the actor:
 *   m/set/<id>  m/policy/<kind/ns/name>  m/profile/<name>  m/endpoint/<id>  m/config  m/count
 * Restoring reads them back into a DataplaneState with the same invariants checked from there on.
 */
import type { IpSetMeta, IpSetType, ProtoPolicy, ProtoPolicyId, ProtoProfile, ToDataplane, ToDataplanePayload } from '../../../protocol/dataplane/messages.js';
import type { DataplaneSink } from './dataplane-connection.js';
import { DataplaneState, policyIdName } from './dataplane-state.js';
import type { EndpointState } from './dataplane-state.js';

/** The slice of the store the journal writes to (an actor's durable view). */
export interface JournalStore {
  put(key: string, value: unknown): void;
  remove(key: string): void;
  entries(prefix?: string): [string, unknown][];
}

interface StoredSet { readonly type: IpSetType; readonly members: readonly string[]; readonly meta?: IpSetMeta }
interface StoredPolicy { readonly id: ProtoPolicyId; readonly policy: ProtoPolicy }
interface StoredCount { readonly messages: number; readonly inSyncCount: number }

const PREFIX = 'm/';

/** The entry a message changes, or undefined (InSync changes only the count). */
function touchedEntry(message: ToDataplanePayload): string | undefined {
  if ('configUpdate' in message) return 'config';
  if ('ipsetUpdate' in message) return `set/${message.ipsetUpdate.id}`;
  if ('ipsetDeltaUpdate' in message) return `set/${message.ipsetDeltaUpdate.id}`;
  if ('ipsetRemove' in message) return `set/${message.ipsetRemove.id}`;
  if ('activePolicyUpdate' in message) return `policy/${policyIdName(message.activePolicyUpdate.id)}`;
  if ('activePolicyRemove' in message) return `policy/${policyIdName(message.activePolicyRemove.id)}`;
  if ('activeProfileUpdate' in message) return `profile/${message.activeProfileUpdate.id.name}`;
  if ('activeProfileRemove' in message) return `profile/${message.activeProfileRemove.id.name}`;
  if ('workloadEndpointUpdate' in message || 'workloadEndpointRemove' in message) {
    const { id } = 'workloadEndpointUpdate' in message ? message.workloadEndpointUpdate : message.workloadEndpointRemove;
    return `endpoint/${id.orchestratorId}/${id.workloadId}/${id.endpointId}`;
  }
  if ('hostEndpointUpdate' in message) return `endpoint/${message.hostEndpointUpdate.id.endpointId}`;
  if ('hostEndpointRemove' in message) return `endpoint/${message.hostEndpointRemove.id.endpointId}`;
  return undefined;
}

/** A sink that applies each message to the mirror and remembers what it touched. */
export class MirrorJournal implements DataplaneSink {
  readonly state: DataplaneState;
  readonly #touched = new Set<string>();
  #all = false;

  constructor(state = new DataplaneState()) {
    this.state = state;
  }

  write(message: ToDataplane, ipSetMeta?: IpSetMeta): void {
    this.state.apply(message, ipSetMeta);
    const entry = touchedEntry(message);
    if (entry !== undefined) this.#touched.add(entry);
  }

  /** The next save writes the whole mirror (after a restart from something other than the store). */
  touchAll(): void {
    this.#all = true;
  }

  /** Writes the entries touched since the last save. */
  save(store: JournalStore): void {
    if (this.#all) {
      this.#all = false;
      for (const [key] of store.entries(PREFIX)) store.remove(key);
      for (const entry of this.#entries()) this.#touched.add(entry);
    }
    for (const entry of this.#touched) {
      const value = this.#encode(entry);
      if (value === undefined) store.remove(PREFIX + entry);
      else store.put(PREFIX + entry, value);
    }
    this.#touched.clear();
    store.put(`${PREFIX}count`, { messages: this.state.messages, inSyncCount: this.state.inSyncCount } satisfies StoredCount);
  }

  /** The mirror as saved; an empty one when nothing was. */
  static restore(store: JournalStore): MirrorJournal {
    const state = new DataplaneState();
    for (const [key, value] of store.entries(PREFIX)) {
      const entry = key.slice(PREFIX.length);
      const slash = entry.indexOf('/');
      const kind = slash < 0 ? entry : entry.slice(0, slash);
      const name = entry.slice(slash + 1);
      if (kind === 'set') {
        const set = value as StoredSet;
        state.ipSets.set(name, { type: set.type, members: new Set(set.members), ...(set.meta === undefined ? {} : { meta: set.meta }) });
      } else if (kind === 'policy') {
        const { id, policy } = value as StoredPolicy;
        state.policies.set(name, policy);
        state.policyIds.set(name, id);
      } else if (kind === 'profile') state.profiles.set(name, value as ProtoProfile);
      else if (kind === 'endpoint') state.endpoints.set(name, value as EndpointState);
      else if (kind === 'config') state.config = value as Record<string, string>;
      else if (kind === 'count') {
        state.messages = (value as StoredCount).messages;
        state.inSyncCount = (value as StoredCount).inSyncCount;
      } else throw new TypeError(`unknown mirror entry ${JSON.stringify(key)}`);
    }
    return new MirrorJournal(state);
  }

  #entries(): string[] {
    const { state } = this;
    return [
      ...(state.config === undefined ? [] : ['config']),
      ...[...state.ipSets.keys()].map((id) => `set/${id}`),
      ...[...state.policies.keys()].map((name) => `policy/${name}`),
      ...[...state.profiles.keys()].map((name) => `profile/${name}`),
      ...[...state.endpoints.keys()].map((name) => `endpoint/${name}`),
    ];
  }

  #encode(entry: string): unknown {
    const { state } = this;
    const slash = entry.indexOf('/');
    const kind = slash < 0 ? entry : entry.slice(0, slash);
    const name = entry.slice(slash + 1);
    switch (kind) {
      case 'config': return state.config;
      case 'set': {
        const set = state.ipSets.get(name);
        return set === undefined ? undefined : { type: set.type, members: [...set.members], ...(set.meta === undefined ? {} : { meta: set.meta }) } satisfies StoredSet;
      }
      case 'policy': {
        const policy = state.policies.get(name);
        return policy === undefined ? undefined : { id: state.policyIds.get(name)!, policy } satisfies StoredPolicy;
      }
      case 'profile': return state.profiles.get(name);
      case 'endpoint': return state.endpoints.get(name);
      default: throw new Error(`invariant: unknown mirror entry ${entry}`);
    }
  }
}
