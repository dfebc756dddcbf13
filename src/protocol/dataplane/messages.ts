/**
 * The ToDataplane payloads troupe sends, typed in the protobufjs object form of felixbackend.proto
 * (camelCase fields; one payload member per message). These are plain data: they cross actor
 * mailboxes and threads as they are, and `encodeToDataplane` turns them into Felix's frames.
 */

export type IpSetType = 'IP' | 'IP_AND_PORT' | 'NET';

export interface ProtoPolicyId { readonly name: string; readonly namespace?: string; readonly kind: string }
export interface ProtoPortRange { readonly first: number; readonly last: number }
export type ProtoProtocol = { readonly number: number } | { readonly name: string };

export interface ProtoRule {
  action: string;
  ipVersion?: 'IPV4' | 'IPV6';
  protocol?: ProtoProtocol;
  srcNet?: string[];
  srcPorts?: ProtoPortRange[];
  dstNet?: string[];
  dstPorts?: ProtoPortRange[];
  icmpType?: number;
  icmpTypeCode?: { type: number; code: number };
  srcIpSetIds?: string[];
  dstIpSetIds?: string[];
  srcNamedPortIpSetIds?: string[];
  dstNamedPortIpSetIds?: string[];
  notProtocol?: ProtoProtocol;
  notSrcNet?: string[];
  notSrcPorts?: ProtoPortRange[];
  notDstNet?: string[];
  notDstPorts?: ProtoPortRange[];
  notIcmpType?: number;
  notIcmpTypeCode?: { type: number; code: number };
  notSrcIpSetIds?: string[];
  notDstIpSetIds?: string[];
  notSrcNamedPortIpSetIds?: string[];
  notDstNamedPortIpSetIds?: string[];
  ruleId?: string;
}

export interface ProtoPolicy {
  readonly inboundRules: readonly ProtoRule[];
  readonly outboundRules: readonly ProtoRule[];
  readonly untracked?: boolean;
  readonly preDnat?: boolean;
  readonly namespace?: string;
  readonly originalSelector: string;
  readonly perfHints?: readonly string[];
  readonly tier: string;
}

export interface ProtoProfile { readonly inboundRules: readonly ProtoRule[]; readonly outboundRules: readonly ProtoRule[] }

export interface ProtoTierInfo {
  readonly name: string;
  readonly ingressPolicies: readonly ProtoPolicyId[];
  readonly egressPolicies: readonly ProtoPolicyId[];
  readonly defaultAction: string;
}

export interface ProtoWorkloadEndpointId { readonly orchestratorId: string; readonly workloadId: string; readonly endpointId: string }

export interface ProtoWorkloadEndpoint {
  readonly state: string;
  readonly name: string;
  readonly mac?: string;
  readonly profileIds: readonly string[];
  readonly ipv4Nets: readonly string[];
  readonly ipv6Nets: readonly string[];
  readonly tiers: readonly ProtoTierInfo[];
}

export interface ProtoHostEndpoint {
  readonly name: string;
  readonly profileIds: readonly string[];
  readonly tiers: readonly ProtoTierInfo[];
  readonly expectedIpv4Addrs: readonly string[];
  readonly expectedIpv6Addrs: readonly string[];
  readonly untrackedTiers: readonly ProtoTierInfo[];
  readonly preDnatTiers: readonly ProtoTierInfo[];
  readonly forwardTiers: readonly ProtoTierInfo[];
}

/** One ToDataplane payload (without its sequence number). */
export type ToDataplanePayload =
  | { readonly inSync: Record<string, never> }
  | { readonly configUpdate: { readonly config: Readonly<Record<string, string>> } }
  | { readonly ipsetUpdate: { readonly id: string; readonly members: readonly string[]; readonly type: IpSetType } }
  | { readonly ipsetDeltaUpdate: { readonly id: string; readonly addedMembers: readonly string[]; readonly removedMembers: readonly string[] } }
  | { readonly ipsetRemove: { readonly id: string } }
  | { readonly activeProfileUpdate: { readonly id: { readonly name: string }; readonly profile: ProtoProfile } }
  | { readonly activeProfileRemove: { readonly id: { readonly name: string } } }
  | { readonly activePolicyUpdate: { readonly id: ProtoPolicyId; readonly policy: ProtoPolicy } }
  | { readonly activePolicyRemove: { readonly id: ProtoPolicyId } }
  | { readonly workloadEndpointUpdate: { readonly id: ProtoWorkloadEndpointId; readonly endpoint: ProtoWorkloadEndpoint } }
  | { readonly workloadEndpointRemove: { readonly id: ProtoWorkloadEndpointId } }
  | { readonly hostEndpointUpdate: { readonly id: { readonly endpointId: string }; readonly endpoint: ProtoHostEndpoint } }
  | { readonly hostEndpointRemove: { readonly id: { readonly endpointId: string } } };

export type ToDataplane = ToDataplanePayload & { readonly sequenceNumber: number };

/** The output-only description of an IP set (what the dataplane view shows beside the members). */
export interface IpSetMeta {
  readonly selector: string;
  readonly namedPort?: { readonly protocol: string; readonly name: string };
}
