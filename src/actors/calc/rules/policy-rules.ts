/**
 * Whole policies and profiles → what the dataplane gets: every rule parsed (parsed-rule.ts), the IP
 * sets they need collected, and Felix's rule IDs filled in (rule_convert.go `fillInRuleIDs`):
 *   h0 = SHA-224(seed), h_i = SHA-224(h_{i-1} ‖ protobuf(rule_i without its id)),
 *   id_i = first 16 characters of base64url(h_i)
 * with seeds `pol-in-default/<name>`, `pol-out-default/<name>`, `prof-in-<name>`, `prof-out-<name>`.
 * The protobuf bytes come from protobufjs, which writes fields in field-number order as Go's
 * deterministic marshalling does for these messages.
 */
import { createHash } from 'node:crypto';
import { encodeRule } from '../../../protocol/dataplane/codec.js';
import type { ProtoPolicy, ProtoPolicyId, ProtoProfile, ProtoRule } from '../../../protocol/dataplane/messages.js';
import type { KeyOf, Rule, ValueOf } from '../model/schema.js';
import { parseRule } from './parsed-rule.js';
import type { IpSetData } from './parsed-rule.js';

export const RULE_ID_LENGTH = 16;

export interface ParsedRules<T> {
  readonly rules: T;
  /** Every IP set the rules reference, by ID (shared sets appear once). */
  readonly ipSets: ReadonlyMap<string, IpSetData>;
}

export function fillInRuleIds(rules: ProtoRule[], seed: string): void {
  let hash = createHash('sha224').update(seed).digest();
  for (const rule of rules) {
    delete rule.ruleId;
    hash = createHash('sha224').update(hash).update(encodeRule(rule)).digest();
    rule.ruleId = hash.toString('base64url').slice(0, RULE_ID_LENGTH);
  }
}

function convert(rules: readonly Rule[], seed: string, ipSets: Map<string, IpSetData>): ProtoRule[] {
  const out = rules.map((rule) => {
    const parsed = parseRule(rule);
    for (const set of parsed.ipSets) if (!ipSets.has(set.id)) ipSets.set(set.id, set);
    return parsed.rule;
  });
  fillInRuleIds(out, seed);
  return out;
}

export function protoPolicyId(key: KeyOf<'Policy'>): ProtoPolicyId {
  return key.namespace === '' ? { name: key.name, kind: key.kind } : { name: key.name, namespace: key.namespace, kind: key.kind };
}

export function parsePolicy(key: KeyOf<'Policy'>, value: ValueOf<'Policy'>): ParsedRules<ProtoPolicy> {
  const ipSets = new Map<string, IpSetData>();
  const policy: ProtoPolicy = {
    inboundRules: convert(value.inboundRules, `pol-in-default/${key.name}`, ipSets),
    outboundRules: convert(value.outboundRules, `pol-out-default/${key.name}`, ipSets),
    ...(value.doNotTrack === true ? { untracked: true } : {}),
    ...(value.preDNAT === true ? { preDnat: true } : {}),
    ...(key.namespace !== '' ? { namespace: key.namespace } : {}),
    originalSelector: value.selector,
    ...(value.performanceHints !== undefined && value.performanceHints.length > 0 ? { perfHints: [...value.performanceHints] } : {}),
    tier: value.tier,
  };
  return { rules: policy, ipSets };
}

/** Felix sends a profile whose rules are missing or invalid with rules that drop everything. */
export const DUMMY_DROP_RULES: ValueOf<'ProfileRules'> = { inboundRules: [{ action: 'deny' }], outboundRules: [{ action: 'deny' }] };

export function parseProfile(name: string, value: ValueOf<'ProfileRules'> | undefined): ParsedRules<ProtoProfile> {
  const rules = value ?? DUMMY_DROP_RULES;
  const ipSets = new Map<string, IpSetData>();
  const profile: ProtoProfile = {
    inboundRules: convert(rules.inboundRules, `prof-in-${name}`, ipSets),
    outboundRules: convert(rules.outboundRules, `prof-out-${name}`, ipSets),
  };
  return { rules: profile, ipSets };
}
