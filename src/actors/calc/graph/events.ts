/**
 * What the calculators say to each other, as plain data (they cross mailboxes and, later, threads).
 * Each calculator turns its inputs into a list of these; the fused wiring hands them on by direct
 * call, the actor wiring in batches.
 *
 *   dispatcher ──ModelUpdate──▶ ARC, PolicyResolver, MemberCalc, ConfigBatcher
 *   ARC ──RulesEvent──▶ RuleScanner          ARC ──MatchEvent──▶ PolicyResolver
 *   RuleScanner ──IpSetLifecycle──▶ MemberCalc        RuleScanner ──SequencerEvent──▶ EventSequencer
 *   MemberCalc, PolicyResolver, ConfigBatcher ──SequencerEvent──▶ EventSequencer
 */
import type {
  IpSetMeta, IpSetType, ProtoHostEndpoint, ProtoPolicy, ProtoPolicyId, ProtoProfile, ProtoWorkloadEndpoint, ProtoWorkloadEndpointId,
} from '../../../protocol/dataplane/messages.js';
import type { KeyOf, ValueOf } from '../model/schema.js';

/** The datastore's sync status (Felix's api.SyncStatus). */
export type SyncStatus = 'WaitForDatastore' | 'ResyncInProgress' | 'InSync';

/** ARC → RuleScanner: a policy or profile became active (again, when its rules changed) or inactive. */
export type RulesEvent =
  | { readonly kind: 'policy-active'; readonly key: KeyOf<'Policy'>; readonly value: ValueOf<'Policy'> }
  | { readonly kind: 'policy-inactive'; readonly key: KeyOf<'Policy'> }
  | { readonly kind: 'profile-active'; readonly name: string; readonly rules: ValueOf<'ProfileRules'> | null }
  | { readonly kind: 'profile-inactive'; readonly name: string };

/** ARC → PolicyResolver: a policy's selector started or stopped matching a local endpoint. */
export interface MatchEvent {
  readonly kind: 'match';
  readonly policy: string;
  readonly endpoint: string;
  readonly matching: boolean;
}

/** An IP set as plain data: the selector travels as its canonical text and is re-parsed (cached). */
export interface IpSetSpecData {
  readonly id: string;
  readonly selector: string;
  readonly namedPort?: { readonly protocol: 'tcp' | 'udp' | 'sctp'; readonly name: string };
}

/** RuleScanner → MemberCalc: an IP set is needed (first user) or no longer needed (last user gone). */
export type IpSetLifecycle =
  | { readonly kind: 'ipset-active'; readonly spec: IpSetSpecData }
  | { readonly kind: 'ipset-inactive'; readonly id: string };

/** Everything the EventSequencer hears (Felix's PipelineCallbacks). */
export type SequencerEvent =
  | { readonly kind: 'config'; readonly config: Readonly<Record<string, string>> }
  | { readonly kind: 'datastore-not-ready' }
  | { readonly kind: 'ipset-added'; readonly id: string; readonly type: IpSetType; readonly meta: IpSetMeta }
  | { readonly kind: 'member-added'; readonly id: string; readonly member: string }
  | { readonly kind: 'member-removed'; readonly id: string; readonly member: string }
  | { readonly kind: 'ipset-removed'; readonly id: string }
  | { readonly kind: 'policy'; readonly id: ProtoPolicyId; readonly policy: ProtoPolicy | null }
  | { readonly kind: 'profile'; readonly name: string; readonly profile: ProtoProfile | null }
  | { readonly kind: 'workload-endpoint'; readonly id: ProtoWorkloadEndpointId; readonly endpoint: ProtoWorkloadEndpoint | null }
  | { readonly kind: 'host-endpoint'; readonly id: string; readonly endpoint: ProtoHostEndpoint | null };

export type Emit<T> = (event: T) => void;
