import { describe, expect, it } from 'vitest';
import { parseRule } from '../../../../src/actors/calc/rules/parsed-rule.js';
import { fillInRuleIds, parsePolicy, parseProfile } from '../../../../src/actors/calc/rules/policy-rules.js';
import { namedPortIpSetId, parseSelector } from '../../../../src/actors/calc/selector/selector.js';
import type { ProtoRule } from '../../../../src/protocol/dataplane/messages.js';
import { VALUE_SCHEMAS, rule as ruleSchema } from '../../../../src/actors/calc/model/schema.js';

const id = (selector: string): string => parseSelector(selector).uniqueId;
const rule = (raw: Record<string, unknown>) => ruleSchema.parse(raw);

describe('parseRule', () => {
  it('folds a negated selector into the positive one of its direction', () => {
    const parsed = parseRule(rule({ action: 'allow', srcSelector: 'has(a)', notSrcSelector: "b == 'x'" }));
    expect(parsed.rule.srcIpSetIds).toEqual([id("(has(a)) && (!(b == 'x'))")]);
    expect(parsed.rule.notSrcIpSetIds).toBeUndefined();
  });

  it('gives a lone negated selector a not-set of its own', () => {
    const parsed = parseRule(rule({ action: 'allow', notDstSelector: "b == 'x'" }));
    expect(parsed.rule.notDstIpSetIds).toEqual([id("b == 'x'")]);
    expect(parsed.ipSets.map((set) => set.selector.canonical)).toEqual(['b == "x"']);
  });

  it('makes a named-port set per port name under the selector (all() without one), protocol from the rule', () => {
    const parsed = parseRule(rule({ action: 'allow', protocol: 'UDP', dstPorts: ['dns'] }));
    expect(parsed.rule.dstNamedPortIpSetIds).toEqual([namedPortIpSetId(id('all()'), 'udp', 'dns')]);
    expect(parsed.rule.dstIpSetIds).toBeUndefined(); // only named ports: no plain selector set
  });

  it('keeps the selector set as well when numeric ports sit beside named ones', () => {
    const parsed = parseRule(rule({ action: 'allow', protocol: 6, dstSelector: "app == 'db'", dstPorts: [5432, 'pg'] }));
    expect(parsed.rule.dstIpSetIds).toEqual([id("app == 'db'")]);
    expect(parsed.rule.dstNamedPortIpSetIds).toEqual([namedPortIpSetId(id("app == 'db'"), 'tcp', 'pg')]);
    expect(parsed.rule.dstPorts).toEqual([{ first: 5432, last: 5432 }]);
    expect(parsed.rule.protocol).toEqual({ number: 6 });
  });

  it("spells actions as Felix's dataplane does and infers the IP version from the ICMP protocol", () => {
    expect(parseRule(rule({ action: 'Pass' })).rule.action).toBe('next-tier');
    expect(parseRule(rule({ action: 'Deny' })).rule.action).toBe('deny');
    expect(parseRule(rule({ action: 'allow', protocol: 'icmpv6', icmpType: 128 })).rule.ipVersion).toBe('IPV6');
  });
});

describe('rule IDs', () => {
  const policy = VALUE_SCHEMAS.Policy.parse({ selector: 'all()', inboundRules: [{ action: 'allow' }, { action: 'deny' }], outboundRules: [{ action: 'allow' }] });
  const key = { kind: 'GlobalNetworkPolicy', namespace: '', name: 'p' };

  it('are 16 base64url characters, stable across runs, and chained: a rule ID depends on the rules before it', () => {
    const first = parsePolicy(key, policy).rules;
    const again = parsePolicy(key, policy).rules;
    expect(first.inboundRules.map((r) => r.ruleId)).toEqual(again.inboundRules.map((r) => r.ruleId));
    for (const r of [...first.inboundRules, ...first.outboundRules]) expect(r.ruleId).toMatch(/^[A-Za-z0-9_-]{16}$/);
    const swapped = parsePolicy(key, { ...policy, inboundRules: [{ action: 'deny' }, { action: 'allow' }] }).rules;
    expect(swapped.inboundRules[1]!.ruleId).not.toBe(first.inboundRules[0]!.ruleId);
  });

  it('differ between directions, policies and profiles for the same rule', () => {
    const ids = [
      parsePolicy(key, policy).rules.inboundRules[0]!.ruleId,
      parsePolicy(key, policy).rules.outboundRules[0]!.ruleId,
      parsePolicy({ ...key, name: 'q' }, policy).rules.inboundRules[0]!.ruleId,
      parseProfile('p', { inboundRules: [{ action: 'allow' }], outboundRules: [] }).rules.inboundRules[0]!.ruleId,
    ];
    expect(new Set(ids).size).toBe(4);
  });

  it('ignore a rule ID already present', () => {
    const rules: ProtoRule[] = [{ action: 'allow', ruleId: 'stale' }];
    const fresh: ProtoRule[] = [{ action: 'allow' }];
    fillInRuleIds(rules, 'seed');
    fillInRuleIds(fresh, 'seed');
    expect(rules[0]!.ruleId).toBe(fresh[0]!.ruleId);
  });

  it('a profile without rules drops everything', () => {
    const profile = parseProfile('kns.x', undefined).rules;
    expect(profile.inboundRules.map((r) => r.action)).toEqual(['deny']);
    expect(profile.outboundRules.map((r) => r.action)).toEqual(['deny']);
  });
});
