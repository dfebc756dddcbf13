/**
 * The verdict of one endpoint's policy for one direction, as Felix's dataplane decides it for a new
 * flow (calico-model.md §6.3), read from what the calc graph sent the dataplane: tiers in order, the
 * policies of each tier that apply in this direction, their rules in order; Allow and Deny decide,
 * Pass leaves the tier, Log goes on. A tier that ends without a decision drops, unless its default
 * action is Pass. With no tier deciding, the endpoint's profiles are tried in order; a profile that
 * does not exist drops; when none decides, the packet drops.
 */
import type { ProtoRule } from '../../../protocol/dataplane/messages.js';
import type { DataplaneState, EndpointState } from '../output/dataplane-state.js';
import { policyIdName } from '../output/dataplane-state.js';
import { ruleMatches } from './rule-match.js';
import type { IpSetLookup, Packet } from './rule-match.js';

export type Direction = 'ingress' | 'egress';

export interface DirectionVerdict {
  readonly endpoint: string;
  readonly direction: Direction;
  readonly verdict: 'allow' | 'deny';
  /** What decided: a rule of a policy, the end of a tier, a rule of a profile, or no profile allowing. */
  readonly decidedBy: 'policy-rule' | 'end-of-tier' | 'profile-rule' | 'missing-profile' | 'no-profile-allowed';
  readonly tier?: string;
  readonly policy?: string;
  readonly profile?: string;
  /** Index of the deciding rule in its policy's or profile's rules for this direction. */
  readonly ruleIndex?: number;
}

type RuleOutcome = { action: 'allow' | 'deny' | 'pass'; index: number } | undefined;

function firstDecidingRule(rules: readonly ProtoRule[], packet: Packet, sets: IpSetLookup): RuleOutcome {
  for (const [index, rule] of rules.entries()) {
    if (!ruleMatches(rule, packet, sets)) continue;
    if (rule.action === 'allow' || rule.action === 'deny') return { action: rule.action, index };
    if (rule.action === 'next-tier' || rule.action === 'pass') return { action: 'pass', index };
    // log: keep going
  }
  return undefined;
}

export function evaluateDirection(state: DataplaneState, endpoint: string, endpointState: EndpointState, direction: Direction, packet: Packet): DirectionVerdict {
  const sets: IpSetLookup = (id) => state.ipSets.get(id)?.members;
  const base = { endpoint, direction };
  for (const tier of endpointState.tiers) {
    const policies = direction === 'ingress' ? tier.ingressPolicies : tier.egressPolicies;
    if (policies.length === 0) continue;
    let passed = false;
    for (const id of policies) {
      const name = policyIdName(id);
      const policy = state.policies.get(name);
      if (policy === undefined) continue;
      const outcome = firstDecidingRule(direction === 'ingress' ? policy.inboundRules : policy.outboundRules, packet, sets);
      if (outcome === undefined) continue;
      if (outcome.action === 'pass') {
        passed = true;
        break;
      }
      return { ...base, verdict: outcome.action, decidedBy: 'policy-rule', tier: tier.name, policy: name, ruleIndex: outcome.index };
    }
    if (!passed && tier.defaultAction !== 'Pass') return { ...base, verdict: 'deny', decidedBy: 'end-of-tier', tier: tier.name };
  }
  for (const profile of endpointState.profileIds) {
    const rules = state.profiles.get(profile);
    if (rules === undefined) return { ...base, verdict: 'deny', decidedBy: 'missing-profile', profile };
    const outcome = firstDecidingRule(direction === 'ingress' ? rules.inboundRules : rules.outboundRules, packet, sets);
    if (outcome === undefined || outcome.action === 'pass') continue;
    return { ...base, verdict: outcome.action, decidedBy: 'profile-rule', profile, ruleIndex: outcome.index };
  }
  return { ...base, verdict: 'deny', decidedBy: 'no-profile-allowed' };
}
