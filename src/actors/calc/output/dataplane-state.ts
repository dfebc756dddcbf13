/**
 * What a dataplane driver would hold after applying a ToDataplane stream — Felix's mock dataplane
 * (felix/dataplane/mock/mock_dataplane.go) — with its invariants checked on every message:
 *   the first message is ConfigUpdate; sequence numbers run from 0 without gaps; InSync comes once;
 *   an IPSetUpdate has no duplicate members; a delta touches an existing set, never adding a present
 *   member or removing an absent one; a policy's IP sets exist; an endpoint's policies and profiles
 *   are active; nothing is removed while still referenced.
 * `view()` is the dataplane view `troupe calc --format json` prints (ARCHITECTURE.md).
 */
import type { IpSetMeta, IpSetType, ProtoPolicy, ProtoPolicyId, ProtoProfile, ProtoRule, ProtoTierInfo, ToDataplanePayload } from '../../../protocol/dataplane/messages.js';

export class DataplaneInvariantError extends Error {
  readonly code = 'CALC_ERR_DATAPLANE_INVARIANT';
}

export interface ViewTier { readonly name: string; readonly ingress: readonly string[]; readonly egress: readonly string[] }

export interface DataplaneView {
  readonly ipSets: Record<string, { type: IpSetType; members: string[]; selector?: string; namedPort?: { protocol: string; name: string } }>;
  readonly activePolicies: string[];
  readonly untrackedPolicies: string[];
  readonly preDnatPolicies: string[];
  readonly activeProfiles: string[];
  readonly endpoints: Record<string, { tiers: ViewTier[]; untrackedTiers: ViewTier[]; preDnatTiers: ViewTier[] }>;
}

type EndpointUpdate = Extract<ToDataplanePayload, { workloadEndpointUpdate: unknown } | { hostEndpointUpdate: unknown }>;

export interface EndpointState {
  readonly tiers: readonly ProtoTierInfo[];
  readonly untrackedTiers: readonly ProtoTierInfo[];
  readonly preDnatTiers: readonly ProtoTierInfo[];
  readonly forwardTiers: readonly ProtoTierInfo[];
  readonly profileIds: readonly string[];
  /** The update that set it, whole: what a resync compares and re-sends. */
  readonly update: EndpointUpdate;
}

export function policyIdName(id: ProtoPolicyId): string {
  return id.namespace === undefined || id.namespace === '' ? `${id.kind}/${id.name}` : `${id.kind}/${id.namespace}/${id.name}`;
}

const RULE_SET_FIELDS = ['srcIpSetIds', 'dstIpSetIds', 'srcNamedPortIpSetIds', 'dstNamedPortIpSetIds', 'notSrcIpSetIds', 'notDstIpSetIds', 'notSrcNamedPortIpSetIds', 'notDstNamedPortIpSetIds'] as const;

function referencedSets(rules: readonly ProtoRule[]): string[] {
  return rules.flatMap((rule) => RULE_SET_FIELDS.flatMap((field) => rule[field] ?? []));
}

const sortedTiers = (tiers: readonly ProtoTierInfo[]): ViewTier[] => tiers.map((tier) => ({
  name: tier.name,
  ingress: tier.ingressPolicies.map(policyIdName),
  egress: tier.egressPolicies.map(policyIdName),
}));

export class DataplaneState {
  readonly ipSets = new Map<string, { type: IpSetType; members: Set<string>; meta?: IpSetMeta }>();
  readonly policies = new Map<string, ProtoPolicy>();
  /** Each active policy's id as the dataplane got it (kind, namespace, name). */
  readonly policyIds = new Map<string, ProtoPolicyId>();
  readonly profiles = new Map<string, ProtoProfile>();
  readonly endpoints = new Map<string, EndpointState>();
  config: Readonly<Record<string, string>> | undefined;
  messages = 0;
  inSyncCount = 0;

  apply(message: ToDataplanePayload & { readonly sequenceNumber?: number }, ipSetMeta?: IpSetMeta): void {
    const fail = (reason: string): never => {
      throw new DataplaneInvariantError(`message ${this.messages} (${Object.keys(message).filter((key) => key !== 'sequenceNumber').join()}): ${reason}`);
    };
    if (message.sequenceNumber !== undefined && message.sequenceNumber !== this.messages) fail(`sequence number ${message.sequenceNumber}, expected ${this.messages}`);
    if (this.messages === 0 && !('configUpdate' in message)) fail('the first message must be ConfigUpdate');
    this.messages += 1;
    if ('configUpdate' in message) this.config = message.configUpdate.config;
    else if ('inSync' in message) {
      this.inSyncCount += 1;
      if (this.inSyncCount > 1) fail('InSync sent more than once');
    } else if ('ipsetUpdate' in message) {
      const { id, members, type } = message.ipsetUpdate;
      const set = new Set(members);
      if (set.size !== members.length) fail(`IPSetUpdate ${id} has duplicate members`);
      this.ipSets.set(id, { type, members: set, ...(ipSetMeta === undefined ? {} : { meta: ipSetMeta }) });
    } else if ('ipsetDeltaUpdate' in message) {
      const { id, addedMembers, removedMembers } = message.ipsetDeltaUpdate;
      const set = this.ipSets.get(id) ?? fail(`delta for unknown IP set ${id}`);
      for (const member of removedMembers) if (!set.members.delete(member)) fail(`delta removes absent member ${member} from ${id}`);
      for (const member of addedMembers) {
        if (set.members.has(member)) fail(`delta re-adds member ${member} to ${id}`);
        set.members.add(member);
      }
    } else if ('ipsetRemove' in message) {
      const { id } = message.ipsetRemove;
      if (!this.ipSets.has(id)) fail(`removal of unknown IP set ${id}`);
      for (const [name, rules] of [...this.policies, ...this.profiles]) {
        if (referencedSets([...rules.inboundRules, ...rules.outboundRules]).includes(id)) fail(`IP set ${id} removed while ${name} uses it`);
      }
      this.ipSets.delete(id);
    } else if ('activePolicyUpdate' in message) {
      const { id, policy } = message.activePolicyUpdate;
      this.#checkSets(`policy ${policyIdName(id)}`, [...policy.inboundRules, ...policy.outboundRules], fail);
      this.policies.set(policyIdName(id), policy);
      this.policyIds.set(policyIdName(id), id);
    } else if ('activePolicyRemove' in message) {
      const name = policyIdName(message.activePolicyRemove.id);
      for (const [endpoint, state] of this.endpoints) if (this.#endpointPolicies(state).has(name)) fail(`policy ${name} removed while endpoint ${endpoint} uses it`);
      if (!this.policies.delete(name)) fail(`removal of inactive policy ${name}`);
      this.policyIds.delete(name);
    } else if ('activeProfileUpdate' in message) {
      const { id, profile } = message.activeProfileUpdate;
      this.#checkSets(`profile ${id.name}`, [...profile.inboundRules, ...profile.outboundRules], fail);
      this.profiles.set(id.name, profile);
    } else if ('activeProfileRemove' in message) {
      const name = message.activeProfileRemove.id.name;
      for (const [endpoint, state] of this.endpoints) if (state.profileIds.includes(name)) fail(`profile ${name} removed while endpoint ${endpoint} uses it`);
      if (!this.profiles.delete(name)) fail(`removal of inactive profile ${name}`);
    } else if ('workloadEndpointUpdate' in message) {
      const { id, endpoint } = message.workloadEndpointUpdate;
      this.#setEndpoint(`${id.orchestratorId}/${id.workloadId}/${id.endpointId}`, { tiers: endpoint.tiers, untrackedTiers: [], preDnatTiers: [], forwardTiers: [], profileIds: endpoint.profileIds, update: { workloadEndpointUpdate: message.workloadEndpointUpdate } }, fail);
    } else if ('hostEndpointUpdate' in message) {
      const { id, endpoint } = message.hostEndpointUpdate;
      this.#setEndpoint(id.endpointId, { ...endpoint, update: { hostEndpointUpdate: message.hostEndpointUpdate } }, fail);
    } else if ('workloadEndpointRemove' in message) {
      const { id } = message.workloadEndpointRemove;
      if (!this.endpoints.delete(`${id.orchestratorId}/${id.workloadId}/${id.endpointId}`)) fail('removal of an unknown workload endpoint');
    } else if ('hostEndpointRemove' in message) {
      if (!this.endpoints.delete(message.hostEndpointRemove.id.endpointId)) fail('removal of an unknown host endpoint');
    }
  }

  #checkSets(owner: string, rules: readonly ProtoRule[], fail: (reason: string) => never): void {
    for (const id of referencedSets(rules)) if (!this.ipSets.has(id)) fail(`${owner} references IP set ${id} before it exists`);
  }

  #endpointPolicies(state: EndpointState): Set<string> {
    const names = new Set<string>();
    for (const tier of [...state.tiers, ...state.untrackedTiers, ...state.preDnatTiers, ...state.forwardTiers]) {
      for (const id of [...tier.ingressPolicies, ...tier.egressPolicies]) names.add(policyIdName(id));
    }
    return names;
  }

  #setEndpoint(name: string, state: EndpointState, fail: (reason: string) => never): void {
    for (const policy of this.#endpointPolicies(state)) if (!this.policies.has(policy)) fail(`endpoint ${name} uses policy ${policy} before it is active`);
    for (const profile of state.profileIds) if (!this.profiles.has(profile)) fail(`endpoint ${name} uses profile ${profile} before it is active`);
    this.endpoints.set(name, state);
  }

  view(): DataplaneView {
    const sortedKeys = <T>(map: ReadonlyMap<string, T>): string[] => [...map.keys()].sort();
    const ipSets: DataplaneView['ipSets'] = {};
    for (const id of sortedKeys(this.ipSets)) {
      const set = this.ipSets.get(id)!;
      ipSets[id] = { type: set.type, members: [...set.members].sort(), ...(set.meta === undefined ? {} : { selector: set.meta.selector, ...(set.meta.namedPort === undefined ? {} : { namedPort: { ...set.meta.namedPort } }) }) };
    }
    const endpoints: DataplaneView['endpoints'] = {};
    for (const id of sortedKeys(this.endpoints)) {
      const state = this.endpoints.get(id)!;
      endpoints[id] = { tiers: sortedTiers(state.tiers), untrackedTiers: sortedTiers(state.untrackedTiers), preDnatTiers: sortedTiers(state.preDnatTiers) };
    }
    const policies = sortedKeys(this.policies);
    return {
      ipSets,
      activePolicies: policies,
      untrackedPolicies: policies.filter((name) => this.policies.get(name)!.untracked === true),
      preDnatPolicies: policies.filter((name) => this.policies.get(name)!.preDnat === true),
      activeProfiles: sortedKeys(this.profiles),
      endpoints,
    };
  }
}
