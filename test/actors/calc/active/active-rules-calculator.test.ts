import { describe, expect, it } from 'vitest';
import { ActiveRulesCalculator } from '../../../../src/actors/calc/active/active-rules-calculator.js';
import type { MatchEvent, RulesEvent } from '../../../../src/actors/calc/graph/events.js';
import { validateRecord } from '../../../../src/actors/calc/model/validate.js';
import type { ModelUpdate } from '../../../../src/actors/calc/model/records.js';

const update = (record: unknown): ModelUpdate => validateRecord(record).update!;
const policyKey = { kind: 'GlobalNetworkPolicy', namespace: '', name: 'p' };
const policy = (selector: string, extra: Record<string, unknown> = {}) => update({ type: 'Policy', key: policyKey, value: { selector, ...extra } });
const wep = (labels: Record<string, string>, profileIds: string[] = []) => update({ type: 'WorkloadEndpoint', key: { hostname: 'h1', orchestratorId: 'k8s', workloadId: 'a/b', endpointId: 'eth0' }, value: { name: 'x', labels, profileIds } });

function newArc() {
  const rules: RulesEvent[] = [];
  const matches: MatchEvent[] = [];
  return { arc: new ActiveRulesCalculator({ rules: (event) => rules.push(event), matches: (event) => matches.push(event) }), rules, matches };
}

describe('ActiveRulesCalculator', () => {
  it('activates a policy when its selector first matches a local endpoint, and deactivates it when none does', () => {
    const { arc, rules, matches } = newArc();
    arc.onUpdate(policy("app == 'web'"));
    expect(rules).toEqual([]);
    arc.onUpdate(wep({ app: 'web' }));
    expect(rules.map((event) => event.kind)).toEqual(['policy-active']);
    expect(matches).toEqual([{ kind: 'match', policy: 'GlobalNetworkPolicy/p', endpoint: 'WorkloadEndpoint/h1/k8s/a/b/eth0', matching: true }]);
    arc.onUpdate(wep({ app: 'db' }));
    expect(rules.map((event) => event.kind)).toEqual(['policy-active', 'policy-inactive']);
    expect(arc.activePolicyCount).toBe(0);
  });

  it('emits nothing for an update equal to what it holds (Felix: a duplicate policy update is zero events)', () => {
    const { arc, rules, matches } = newArc();
    arc.onUpdate(wep({ app: 'web' }));
    arc.onUpdate(policy('all()'));
    const counts = [rules.length, matches.length];
    arc.onUpdate(policy('all()'));
    arc.onUpdate(wep({ app: 'web' }));
    expect([rules.length, matches.length]).toEqual(counts);
  });

  it('re-sends an active policy whose rules change', () => {
    const { arc, rules } = newArc();
    arc.onUpdate(wep({}));
    arc.onUpdate(policy('all()'));
    arc.onUpdate(policy('all()', { inboundRules: [{ action: 'deny' }] }));
    expect(rules.map((event) => event.kind)).toEqual(['policy-active', 'policy-active']);
  });

  it('keeps a policy with the AssumeNeededOnEveryNode hint active without any match', () => {
    const { arc, rules } = newArc();
    arc.onUpdate(policy("app == 'none'", { performanceHints: ['AssumeNeededOnEveryNode'] }));
    expect(rules.map((event) => event.kind)).toEqual(['policy-active']);
  });

  it('activates a profile when a local endpoint names it, with null rules until they arrive', () => {
    const { arc, rules } = newArc();
    arc.onUpdate(wep({}, ['kns.a']));
    arc.onUpdate(update({ type: 'ProfileRules', key: { name: 'kns.a' }, value: { inboundRules: [{ action: 'allow' }] } }));
    arc.onUpdate(wep({}, ['kns.b']));
    expect(rules.map((event) => `${event.kind} ${'name' in event ? event.name : ''} ${'rules' in event ? (event.rules === null ? 'null' : 'rules') : ''}`.trim())).toEqual([
      'profile-active kns.a null', 'profile-active kns.a rules', 'profile-active kns.b null', 'profile-inactive kns.a',
    ]);
  });

  it('matches on labels inherited from profiles', () => {
    const { arc, rules } = newArc();
    arc.onUpdate(policy("team == 'a'"));
    arc.onUpdate(wep({}, ['kns.a']));
    expect(rules.filter((event) => event.kind === 'policy-active')).toEqual([]);
    arc.onUpdate(update({ type: 'ProfileLabels', key: { name: 'kns.a' }, value: { labelsToApply: { team: 'a' } } }));
    expect(rules.filter((event) => event.kind === 'policy-active')).toHaveLength(1);
  });
});
