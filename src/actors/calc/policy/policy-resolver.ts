/**
 * Felix's PolicyResolver (policy_resolver.go): for each local endpoint, the ordered tiers of policies
 * that apply to it. It keeps only policy metadata (tier, order, types, flags), tiers, local endpoints
 * and the (policy, endpoint) matches the ARC reports, and marks endpoints dirty when any of those
 * change for them. A change to a policy's rules alone dirties nothing.
 *
 * `flush()` emits an update for each dirty endpoint — and nothing at all before InSync, so the
 * dataplane never programs an endpoint from a half-loaded datastore.
 */
import type { ProtoHostEndpoint, ProtoPolicyId, ProtoTierInfo, ProtoWorkloadEndpoint } from '../../../protocol/dataplane/messages.js';
import type { Emit, MatchEvent, SequencerEvent } from '../graph/events.js';
import { keyString, policyName } from '../model/records.js';
import type { ModelUpdate, ModelUpdateOf } from '../model/records.js';
import { protoPolicyId } from '../rules/policy-rules.js';
import { endpointTiers } from './policy-sorter.js';
import type { EndpointTier, PolicyMeta, TierMeta } from './policy-sorter.js';

type EndpointUpdate = ModelUpdateOf<'WorkloadEndpoint'> | ModelUpdateOf<'HostEndpoint'>;

function policyMeta(update: ModelUpdateOf<'Policy'>): PolicyMeta | undefined {
  const value = update.value;
  if (value === null) return undefined;
  return {
    id: policyName(update.key),
    kind: update.key.kind,
    namespace: update.key.namespace,
    name: update.key.name,
    tier: value.tier,
    order: value.order,
    types: value.types?.map((type) => type.toLowerCase() as 'ingress' | 'egress'),
    doNotTrack: value.doNotTrack === true,
    preDNAT: value.preDNAT === true,
    applyOnForward: value.applyOnForward === true,
  };
}

const sameMeta = (a: PolicyMeta | undefined, b: PolicyMeta | undefined): boolean =>
  a === undefined || b === undefined ? a === b : JSON.stringify(a) === JSON.stringify(b);

export class PolicyResolver {
  readonly #emit: Emit<SequencerEvent>;
  readonly #policies = new Map<string, PolicyMeta>();
  readonly #protoIds = new Map<string, ProtoPolicyId>();
  readonly #tiers = new Map<string, TierMeta>();
  readonly #endpoints = new Map<string, EndpointUpdate>();
  readonly #matches = new Map<string, Set<string>>(); // endpoint → policies
  readonly #endpointsByPolicy = new Map<string, Set<string>>();
  readonly #dirty = new Set<string>();
  #inSync = false;

  constructor(emit: Emit<SequencerEvent>) {
    this.#emit = emit;
  }

  /** Takes every Policy and Tier update and local endpoint updates. */
  onUpdate(update: ModelUpdate): void {
    switch (update.type) {
      case 'Policy': return this.#onPolicy(update);
      case 'Tier': return this.#onTier(update);
      case 'WorkloadEndpoint':
      case 'HostEndpoint': {
        const id = keyString(update);
        this.#endpoints.set(id, update);
        this.#dirty.add(id);
        return undefined;
      }
      default: return undefined;
    }
  }

  onMatch(event: MatchEvent): void {
    let policies = this.#matches.get(event.endpoint);
    let endpoints = this.#endpointsByPolicy.get(event.policy);
    if (event.matching) {
      if (policies === undefined) this.#matches.set(event.endpoint, (policies = new Set()));
      if (endpoints === undefined) this.#endpointsByPolicy.set(event.policy, (endpoints = new Set()));
      policies.add(event.policy);
      endpoints.add(event.endpoint);
    } else {
      policies?.delete(event.policy);
      endpoints?.delete(event.endpoint);
      if (policies?.size === 0) this.#matches.delete(event.endpoint);
      if (endpoints?.size === 0) this.#endpointsByPolicy.delete(event.policy);
    }
    this.#dirty.add(event.endpoint);
  }

  onInSync(): void {
    this.#inSync = true;
  }

  flush(): void {
    if (!this.#inSync) return;
    for (const id of this.#dirty) this.#emitEndpoint(id);
    this.#dirty.clear();
  }

  #onPolicy(update: ModelUpdateOf<'Policy'>): void {
    const id = policyName(update.key);
    const meta = policyMeta(update);
    if (sameMeta(this.#policies.get(id), meta)) return;
    if (meta === undefined) {
      this.#policies.delete(id);
      this.#protoIds.delete(id);
    } else {
      this.#policies.set(id, meta);
      this.#protoIds.set(id, protoPolicyId(update.key));
    }
    for (const endpoint of this.#endpointsByPolicy.get(id) ?? []) this.#dirty.add(endpoint);
  }

  #onTier(update: ModelUpdateOf<'Tier'>): void {
    const name = update.key.name;
    if (update.value === null) this.#tiers.delete(name);
    else this.#tiers.set(name, { name, valid: true, order: update.value.order, defaultAction: update.value.defaultAction ?? 'Deny' });
    for (const [policyId, meta] of this.#policies) {
      if (meta.tier !== name) continue;
      for (const endpoint of this.#endpointsByPolicy.get(policyId) ?? []) this.#dirty.add(endpoint);
    }
  }

  #emitEndpoint(id: string): void {
    const update = this.#endpoints.get(id);
    if (update === undefined) return; // matches for an endpoint whose own update has not arrived yet
    if (update.value === null) {
      // Deleted: a removal (the sequencer drops it if it never sent the endpoint), then forgotten.
      this.#endpoints.delete(id);
      if (update.type === 'WorkloadEndpoint') {
        const { orchestratorId, workloadId, endpointId } = update.key;
        this.#emit({ kind: 'workload-endpoint', id: { orchestratorId, workloadId, endpointId }, endpoint: null });
      } else this.#emit({ kind: 'host-endpoint', id: update.key.endpointId, endpoint: null });
      return;
    }
    const matching = [...(this.#matches.get(id) ?? [])].map((policyId) => this.#policies.get(policyId)).filter((meta): meta is PolicyMeta => meta !== undefined);
    const toProto = (tier: EndpointTier): ProtoTierInfo => ({
      name: tier.name,
      ingressPolicies: tier.ingress.map((policyId) => this.#protoIds.get(policyId)!),
      egressPolicies: tier.egress.map((policyId) => this.#protoIds.get(policyId)!),
      defaultAction: tier.defaultAction,
    });
    if (update.type === 'WorkloadEndpoint') {
      const value = update.value!;
      const tiers = endpointTiers(matching, this.#tiers, 'workload');
      const endpoint: ProtoWorkloadEndpoint = {
        state: value.state, name: value.name, ...(value.mac === undefined ? {} : { mac: value.mac }), profileIds: value.profileIds,
        ipv4Nets: value.ipv4Nets, ipv6Nets: value.ipv6Nets, tiers: tiers.tiers.map(toProto),
      };
      const { orchestratorId, workloadId, endpointId } = update.key;
      this.#emit({ kind: 'workload-endpoint', id: { orchestratorId, workloadId, endpointId }, endpoint });
      return;
    }
    const value = update.value!;
    const tiers = endpointTiers(matching, this.#tiers, 'host');
    const endpoint: ProtoHostEndpoint = {
      name: value.name, profileIds: value.profileIds, tiers: tiers.tiers.map(toProto),
      expectedIpv4Addrs: value.expectedIpv4Addrs.map(stripPrefix), expectedIpv6Addrs: value.expectedIpv6Addrs.map(stripPrefix),
      untrackedTiers: tiers.untrackedTiers.map(toProto), preDnatTiers: tiers.preDnatTiers.map(toProto), forwardTiers: tiers.forwardTiers.map(toProto),
    };
    this.#emit({ kind: 'host-endpoint', id: update.key.endpointId, endpoint });
  }
}

/** HEP expected addresses are plain IPs in Felix's proto. */
function stripPrefix(cidr: string): string {
  return cidr.slice(0, cidr.indexOf('/'));
}
