import { describe, expect, it } from 'vitest';
import { comparePolicies, compareTiers, endpointTiers } from '../../../../src/actors/calc/policy/policy-sorter.js';
import type { PolicyMeta, TierMeta } from '../../../../src/actors/calc/policy/policy-sorter.js';

const tier = (name: string, order?: number | null, valid = true, defaultAction: 'Deny' | 'Pass' = 'Deny'): TierMeta => ({ name, order, valid, defaultAction });
function policy(name: string, overrides: Partial<PolicyMeta> = {}): PolicyMeta {
  const base = { kind: 'GlobalNetworkPolicy', namespace: '', name, tier: 'default', order: undefined, types: undefined, doNotTrack: false, preDNAT: false, applyOnForward: false, ...overrides };
  return { ...base, id: base.namespace === '' ? `${base.kind}/${base.name}` : `${base.kind}/${base.namespace}/${base.name}` };
}

describe('policy ordering (Felix policy_sorter)', () => {
  it('orders tiers: valid first, by order with missing last, ties by name', () => {
    const tiers = [tier('z', 1), tier('implicit', 0, false), tier('none', undefined), tier('b', 5), tier('a', 5), tier('nil', null)];
    expect(tiers.sort(compareTiers).map((t) => t.name)).toEqual(['z', 'a', 'b', 'nil', 'none', 'implicit']);
  });

  it('orders policies by order, missing as +∞, ties by name/namespace/kind', () => {
    const policies = [
      policy('b', { order: 10 }), policy('a', { order: 10, namespace: 'ns2', kind: 'NetworkPolicy' }),
      policy('a', { order: 10, namespace: 'ns1', kind: 'NetworkPolicy' }), policy('last'), policy('first', { order: -1 }),
    ];
    expect(policies.sort(comparePolicies).map((p) => p.id)).toEqual([
      'GlobalNetworkPolicy/first', 'NetworkPolicy/ns1/a', 'NetworkPolicy/ns2/a', 'GlobalNetworkPolicy/b', 'GlobalNetworkPolicy/last',
    ]);
  });
});

describe('endpoint tiers', () => {
  const known = new Map([['security', tier('security', 1, true, 'Pass')], ['default', tier('default', 1000)]]);

  it('lists only tiers with a matching policy, in tier order, by direction', () => {
    const result = endpointTiers([
      policy('allow-dns', { tier: 'default', order: 5, types: ['egress'] }),
      policy('quarantine', { tier: 'security', order: 1 }),
      policy('web', { tier: 'default', order: 1, types: ['ingress'] }),
      policy('orphan', { tier: 'no-such-tier' }),
    ], known, 'workload');
    expect(result.tiers).toEqual([
      { name: 'security', ingress: ['GlobalNetworkPolicy/quarantine'], egress: ['GlobalNetworkPolicy/quarantine'], defaultAction: 'Pass' },
      { name: 'default', ingress: ['GlobalNetworkPolicy/web'], egress: ['GlobalNetworkPolicy/allow-dns'], defaultAction: 'Deny' },
      { name: 'no-such-tier', ingress: ['GlobalNetworkPolicy/orphan'], egress: ['GlobalNetworkPolicy/orphan'], defaultAction: 'Deny' },
    ]);
    expect(result).toMatchObject({ untrackedTiers: [], preDnatTiers: [], forwardTiers: [] });
  });

  it('sends host endpoints untracked, pre-DNAT (ingress only) and forward tiers; untracked and pre-DNAT default to Pass', () => {
    const result = endpointTiers([
      policy('untracked', { doNotTrack: true, applyOnForward: true }),
      policy('prednat', { preDNAT: true, applyOnForward: true, types: ['ingress', 'egress'] }),
      policy('forward', { applyOnForward: true }),
      policy('plain'),
    ], known, 'host');
    expect(result.untrackedTiers).toEqual([{ name: 'default', ingress: ['GlobalNetworkPolicy/untracked'], egress: ['GlobalNetworkPolicy/untracked'], defaultAction: 'Pass' }]);
    expect(result.preDnatTiers).toEqual([{ name: 'default', ingress: ['GlobalNetworkPolicy/prednat'], egress: [], defaultAction: 'Pass' }]);
    expect(result.forwardTiers).toEqual([{ name: 'default', ingress: ['GlobalNetworkPolicy/forward'], egress: ['GlobalNetworkPolicy/forward'], defaultAction: 'Deny' }]);
    expect(result.tiers[0]?.ingress).toEqual(['GlobalNetworkPolicy/forward', 'GlobalNetworkPolicy/plain']);
  });

  it('gives workload endpoints no untracked or pre-DNAT policies at all', () => {
    const result = endpointTiers([policy('untracked', { doNotTrack: true, applyOnForward: true })], known, 'workload');
    expect(result.tiers).toEqual([]);
  });
});
