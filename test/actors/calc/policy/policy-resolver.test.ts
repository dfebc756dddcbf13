import { describe, expect, it } from 'vitest';
import type { SequencerEvent } from '../../../../src/actors/calc/graph/events.js';
import { PolicyResolver } from '../../../../src/actors/calc/policy/policy-resolver.js';
import { validateRecord } from '../../../../src/actors/calc/model/validate.js';
import type { ModelUpdate } from '../../../../src/actors/calc/model/records.js';

const update = (record: unknown): ModelUpdate => validateRecord(record).update!;
const wepKey = { hostname: 'h1', orchestratorId: 'k8s', workloadId: 'ns/pod', endpointId: 'eth0' };
const wep = update({ type: 'WorkloadEndpoint', key: wepKey, value: { name: 'cali1', ipv4Nets: ['10.0.0.1/32'] } });
const policy = update({ type: 'Policy', key: { kind: 'GlobalNetworkPolicy', namespace: '', name: 'p' }, value: { selector: 'all()', order: 1 } });
const endpointKey = 'WorkloadEndpoint/h1/k8s/ns/pod/eth0';

function newResolver() {
  const events: SequencerEvent[] = [];
  return { resolver: new PolicyResolver((event) => events.push(event)), events };
}

describe('PolicyResolver', () => {
  it('emits nothing before InSync, then each dirty endpoint once with its tiers', () => {
    const { resolver, events } = newResolver();
    resolver.onUpdate(policy);
    resolver.onUpdate(wep);
    resolver.onMatch({ kind: 'match', policy: 'GlobalNetworkPolicy/p', endpoint: endpointKey, matching: true });
    resolver.flush();
    expect(events).toEqual([]);
    resolver.onInSync();
    resolver.flush();
    resolver.flush();
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(event.kind).toBe('workload-endpoint');
    if (event.kind !== 'workload-endpoint') return;
    expect(event.id).toEqual({ orchestratorId: 'k8s', workloadId: 'ns/pod', endpointId: 'eth0' });
    expect(event.endpoint?.tiers).toEqual([{ name: 'default', ingressPolicies: [{ name: 'p', kind: 'GlobalNetworkPolicy' }], egressPolicies: [{ name: 'p', kind: 'GlobalNetworkPolicy' }], defaultAction: 'Deny' }]);
  });

  it("re-sends an endpoint when a matching policy's order changes, but not when only its rules change", () => {
    const { resolver, events } = newResolver();
    resolver.onInSync();
    resolver.onUpdate(policy);
    resolver.onUpdate(wep);
    resolver.onMatch({ kind: 'match', policy: 'GlobalNetworkPolicy/p', endpoint: endpointKey, matching: true });
    resolver.flush();
    resolver.onUpdate(update({ type: 'Policy', key: { kind: 'GlobalNetworkPolicy', namespace: '', name: 'p' }, value: { selector: 'all()', order: 1, inboundRules: [{ action: 'allow' }] } }));
    resolver.flush();
    expect(events).toHaveLength(1);
    resolver.onUpdate(update({ type: 'Policy', key: { kind: 'GlobalNetworkPolicy', namespace: '', name: 'p' }, value: { selector: 'all()', order: 2 } }));
    resolver.flush();
    expect(events).toHaveLength(2);
  });

  it('sends a removal for a deleted endpoint', () => {
    const { resolver, events } = newResolver();
    resolver.onInSync();
    resolver.onUpdate(wep);
    resolver.flush();
    resolver.onUpdate({ type: 'WorkloadEndpoint', key: wepKey, value: null });
    resolver.flush();
    expect(events.at(-1)).toEqual({ kind: 'workload-endpoint', id: { orchestratorId: 'k8s', workloadId: 'ns/pod', endpointId: 'eth0' }, endpoint: null });
  });
});
