/**
 * Felix's EventSequencer (event_sequencer.go): the calculators' events are held per key, coalesced,
 * and on `flush()` sent in dependency order, so the dataplane never sees a reference to something it
 * does not have:
 *
 *   datastore-not-ready, ConfigUpdate
 *   adds/updates:  IPSetUpdate (new sets, all members so far) → IPSetDeltaUpdate → ActivePolicyUpdate
 *                  → ActiveProfileUpdate → Workload/HostEndpointUpdate
 *   removes:       endpoint removes → ActiveProfileRemove → ActivePolicyRemove → IPSetRemove
 *   InSync         once, after the first flush that follows InSync
 *
 * Coalescing: a newer update replaces a pending one; an update cancels a pending delete; a delete
 * cancels a pending update and is sent only for something already sent. A member add cancels a
 * pending remove of that member and vice versa; a set added in the window starts empty.
 */
import type { IpSetMeta, IpSetType, ToDataplanePayload } from '../../../protocol/dataplane/messages.js';
import type { ProtoPolicyId } from '../../../protocol/dataplane/messages.js';
import type { SequencerEvent } from '../graph/events.js';

export interface SequencerOutputs {
  message(payload: ToDataplanePayload, ipSetMeta?: IpSetMeta): void;
  datastoreNotReady(): void;
}

/** Per-key pending updates and deletes plus what has been sent (Felix's pending and sent sets). */
class Coalescer<K, V> {
  readonly updates = new Map<string, V>();
  readonly deletes = new Map<string, K>();
  readonly sent = new Set<string>();

  update(name: string, value: V): void {
    this.deletes.delete(name);
    this.updates.set(name, value);
  }

  remove(name: string, key: K): void {
    this.updates.delete(name);
    if (this.sent.has(name)) this.deletes.set(name, key);
  }

  *takeUpdates(): Iterable<V> {
    for (const [name, value] of this.updates) {
      this.sent.add(name);
      yield value;
    }
    this.updates.clear();
  }

  *takeDeletes(): Iterable<K> {
    for (const [name, key] of this.deletes) {
      this.sent.delete(name);
      yield key;
    }
    this.deletes.clear();
  }
}

function policyKey(id: ProtoPolicyId): string {
  return id.namespace === undefined || id.namespace === '' ? `${id.kind}/${id.name}` : `${id.kind}/${id.namespace}/${id.name}`;
}

function addTo(map: Map<string, Set<string>>, id: string, member: string): void {
  let set = map.get(id);
  if (set === undefined) map.set(id, (set = new Set()));
  set.add(member);
}

function takeFrom(map: Map<string, Set<string>>, id: string, member: string): boolean {
  const set = map.get(id);
  if (set === undefined || !set.delete(member)) return false;
  if (set.size === 0) map.delete(id);
  return true;
}

type PolicyPayload = Extract<ToDataplanePayload, { activePolicyUpdate: unknown }>['activePolicyUpdate'];
type ProfilePayload = Extract<ToDataplanePayload, { activeProfileUpdate: unknown }>['activeProfileUpdate'];
type WorkloadPayload = Extract<ToDataplanePayload, { workloadEndpointUpdate: unknown }>['workloadEndpointUpdate'];
type HostPayload = Extract<ToDataplanePayload, { hostEndpointUpdate: unknown }>['hostEndpointUpdate'];

export class EventSequencer {
  readonly #out: SequencerOutputs;
  #config: Readonly<Record<string, string>> | undefined;
  #notReady = false;
  readonly #newSets = new Map<string, { type: IpSetType; meta: IpSetMeta }>();
  readonly #sentSets = new Set<string>();
  readonly #setRemovals = new Set<string>();
  readonly #addedMembers = new Map<string, Set<string>>();
  readonly #removedMembers = new Map<string, Set<string>>();
  readonly #policies = new Coalescer<ProtoPolicyId, PolicyPayload>();
  readonly #profiles = new Coalescer<string, ProfilePayload>();
  readonly #workloads = new Coalescer<WorkloadPayload['id'], WorkloadPayload>();
  readonly #hosts = new Coalescer<string, HostPayload>();
  #inSync = false;
  #inSyncSent = false;

  constructor(outputs: SequencerOutputs) {
    this.#out = outputs;
  }

  get inSyncSent(): boolean {
    return this.#inSyncSent;
  }

  onEvent(event: SequencerEvent): void {
    switch (event.kind) {
      case 'config': this.#config = event.config; return;
      case 'datastore-not-ready': this.#notReady = true; return;
      case 'ipset-added': return this.#onIpSetAdded(event.id, event.type, event.meta);
      case 'ipset-removed': return this.#onIpSetRemoved(event.id);
      case 'member-added':
        if (!takeFrom(this.#removedMembers, event.id, event.member)) addTo(this.#addedMembers, event.id, event.member);
        return;
      case 'member-removed':
        if (!takeFrom(this.#addedMembers, event.id, event.member)) addTo(this.#removedMembers, event.id, event.member);
        return;
      case 'policy': {
        const name = policyKey(event.id);
        if (event.policy === null) this.#policies.remove(name, event.id);
        else this.#policies.update(name, { id: event.id, policy: event.policy });
        return;
      }
      case 'profile':
        if (event.profile === null) this.#profiles.remove(event.name, event.name);
        else this.#profiles.update(event.name, { id: { name: event.name }, profile: event.profile });
        return;
      case 'workload-endpoint': {
        const name = `${event.id.orchestratorId}/${event.id.workloadId}/${event.id.endpointId}`;
        if (event.endpoint === null) this.#workloads.remove(name, event.id);
        else this.#workloads.update(name, { id: event.id, endpoint: event.endpoint });
        return;
      }
      case 'host-endpoint':
        if (event.endpoint === null) this.#hosts.remove(event.id, event.id);
        else this.#hosts.update(event.id, { id: { endpointId: event.id }, endpoint: event.endpoint });
    }
  }

  /** The datastore is in sync: the next flush ends with InSync (once per run). */
  onInSync(): void {
    this.#inSync = true;
  }

  flush(): void {
    const send = this.#out.message;
    if (this.#notReady) {
      this.#notReady = false;
      this.#out.datastoreNotReady();
    }
    if (this.#config !== undefined) send({ configUpdate: { config: this.#config } });
    this.#config = undefined;
    this.#flushNewSets();
    this.#flushDeltas();
    for (const payload of this.#policies.takeUpdates()) send({ activePolicyUpdate: payload });
    for (const payload of this.#profiles.takeUpdates()) send({ activeProfileUpdate: payload });
    for (const payload of this.#workloads.takeUpdates()) send({ workloadEndpointUpdate: payload });
    for (const payload of this.#hosts.takeUpdates()) send({ hostEndpointUpdate: payload });
    for (const id of this.#workloads.takeDeletes()) send({ workloadEndpointRemove: { id } });
    for (const endpointId of this.#hosts.takeDeletes()) send({ hostEndpointRemove: { id: { endpointId } } });
    for (const name of this.#profiles.takeDeletes()) send({ activeProfileRemove: { id: { name } } });
    for (const id of this.#policies.takeDeletes()) send({ activePolicyRemove: { id } });
    for (const id of this.#setRemovals) {
      this.#sentSets.delete(id);
      send({ ipsetRemove: { id } });
    }
    this.#setRemovals.clear();
    if (this.#inSync && !this.#inSyncSent) {
      this.#inSyncSent = true;
      send({ inSync: {} });
    }
  }

  #onIpSetAdded(id: string, type: IpSetType, meta: IpSetMeta): void {
    if (this.#sentSets.has(id) && !this.#setRemovals.has(id)) {
      throw new Error(`invariant: IP set ${id} added again while the dataplane still has it`);
    }
    this.#setRemovals.delete(id);
    this.#newSets.set(id, { type, meta });
    // An added set starts empty: deltas queued for an earlier incarnation no longer apply.
    this.#addedMembers.delete(id);
    this.#removedMembers.delete(id);
  }

  #onIpSetRemoved(id: string): void {
    this.#newSets.delete(id);
    this.#addedMembers.delete(id);
    this.#removedMembers.delete(id);
    if (this.#sentSets.has(id)) this.#setRemovals.add(id);
  }

  #flushNewSets(): void {
    for (const [id, { type, meta }] of this.#newSets) {
      const members = [...(this.#addedMembers.get(id) ?? [])];
      this.#addedMembers.delete(id);
      this.#sentSets.add(id);
      this.#out.message({ ipsetUpdate: { id, members, type } }, meta);
    }
    this.#newSets.clear();
  }

  #flushDeltas(): void {
    // Sets losing members first, so the dataplane's total never swells past what it ends with.
    const ids = [...this.#removedMembers.keys(), ...[...this.#addedMembers.keys()].filter((id) => !this.#removedMembers.has(id))];
    for (const id of ids) {
      const addedMembers = [...(this.#addedMembers.get(id) ?? [])];
      const removedMembers = [...(this.#removedMembers.get(id) ?? [])];
      this.#out.message({ ipsetDeltaUpdate: { id, addedMembers, removedMembers } });
    }
    this.#addedMembers.clear();
    this.#removedMembers.clear();
  }
}
