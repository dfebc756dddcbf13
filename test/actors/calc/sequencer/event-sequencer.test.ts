import { describe, expect, it } from 'vitest';
import { EventSequencer } from '../../../../src/actors/calc/sequencer/event-sequencer.js';
import type { ToDataplanePayload } from '../../../../src/protocol/dataplane/messages.js';

function sequencer() {
  const sent: ToDataplanePayload[] = [];
  let notReady = 0;
  const seq = new EventSequencer({ message: (payload) => sent.push(payload), datastoreNotReady: () => { notReady += 1; } });
  return { seq, sent, kinds: () => sent.map((payload) => Object.keys(payload)[0]), notReady: () => notReady };
}

const policyId = { name: 'p', kind: 'GlobalNetworkPolicy' };
const policy = { inboundRules: [], outboundRules: [], originalSelector: 'all()', tier: 'default' };
const profile = { inboundRules: [], outboundRules: [] };
const wepId = { orchestratorId: 'k8s', workloadId: 'ns/pod', endpointId: 'eth0' };
const endpoint = { state: 'active', name: 'cali1', profileIds: [], ipv4Nets: [], ipv6Nets: [], tiers: [] };

describe('EventSequencer', () => {
  it('sends a new set with the members it gained before the flush, in one IPSetUpdate', () => {
    const { seq, sent } = sequencer();
    seq.onEvent({ kind: 'ipset-added', id: 's:1', type: 'NET', meta: { selector: 'all()' } });
    seq.onEvent({ kind: 'member-added', id: 's:1', member: '10.0.0.1/32' });
    seq.onEvent({ kind: 'member-added', id: 's:1', member: '10.0.0.2/32' });
    seq.flush();
    expect(sent).toEqual([{ ipsetUpdate: { id: 's:1', members: ['10.0.0.1/32', '10.0.0.2/32'], type: 'NET' } }]);
  });

  it('cancels a member added and removed between flushes, and a set added and removed', () => {
    const { seq, sent } = sequencer();
    seq.onEvent({ kind: 'ipset-added', id: 's:1', type: 'NET', meta: { selector: 'all()' } });
    seq.flush();
    seq.onEvent({ kind: 'member-added', id: 's:1', member: '10.0.0.1/32' });
    seq.onEvent({ kind: 'member-removed', id: 's:1', member: '10.0.0.1/32' });
    seq.onEvent({ kind: 'ipset-added', id: 's:2', type: 'NET', meta: { selector: 'all()' } });
    seq.onEvent({ kind: 'ipset-removed', id: 's:2' });
    seq.flush();
    expect(sent).toHaveLength(1);
  });

  it('keeps only the latest update per key, and a removal after an update cancels an unsent update', () => {
    const { seq, sent } = sequencer();
    seq.onEvent({ kind: 'policy', id: policyId, policy: { ...policy, tier: 'old' } });
    seq.onEvent({ kind: 'policy', id: policyId, policy: { ...policy, tier: 'new' } });
    seq.onEvent({ kind: 'policy', id: { ...policyId, name: 'gone' }, policy });
    seq.onEvent({ kind: 'policy', id: { ...policyId, name: 'gone' }, policy: null });
    seq.flush();
    expect(sent).toEqual([{ activePolicyUpdate: { id: policyId, policy: { ...policy, tier: 'new' } } }]);
  });

  it('flushes in dependency order: config, new sets, deltas, policies, profiles, endpoints, then removals in reverse', () => {
    const { seq, kinds } = sequencer();
    seq.onEvent({ kind: 'ipset-added', id: 'old', type: 'NET', meta: { selector: 'all()' } });
    seq.onEvent({ kind: 'ipset-added', id: 'kept', type: 'NET', meta: { selector: 'all()' } });
    seq.onEvent({ kind: 'policy', id: { ...policyId, name: 'old' }, policy });
    seq.onEvent({ kind: 'profile', name: 'old', profile: profile });
    seq.onEvent({ kind: 'workload-endpoint', id: { ...wepId, workloadId: 'ns/old' }, endpoint });
    seq.onEvent({ kind: 'host-endpoint', id: 'old', endpoint: { ...endpoint, expectedIpv4Addrs: [], expectedIpv6Addrs: [], untrackedTiers: [], preDnatTiers: [], forwardTiers: [] } });
    seq.flush();
    const before = kinds().length;
    seq.onEvent({ kind: 'ipset-removed', id: 'old' });
    seq.onEvent({ kind: 'policy', id: { ...policyId, name: 'old' }, policy: null });
    seq.onEvent({ kind: 'profile', name: 'old', profile: null });
    seq.onEvent({ kind: 'workload-endpoint', id: { ...wepId, workloadId: 'ns/old' }, endpoint: null });
    seq.onEvent({ kind: 'host-endpoint', id: 'old', endpoint: null });
    seq.onEvent({ kind: 'host-endpoint', id: 'new', endpoint: { ...endpoint, expectedIpv4Addrs: [], expectedIpv6Addrs: [], untrackedTiers: [], preDnatTiers: [], forwardTiers: [] } });
    seq.onEvent({ kind: 'workload-endpoint', id: wepId, endpoint });
    seq.onEvent({ kind: 'profile', name: 'new', profile: profile });
    seq.onEvent({ kind: 'policy', id: policyId, policy });
    seq.onEvent({ kind: 'member-added', id: 'kept', member: '10.0.0.1/32' });
    seq.onEvent({ kind: 'ipset-added', id: 'new', type: 'NET', meta: { selector: 'all()' } });
    seq.onEvent({ kind: 'config', config: { a: '1' } });
    seq.onInSync();
    seq.flush();
    expect(kinds().slice(before)).toEqual([
      'configUpdate', 'ipsetUpdate', 'ipsetDeltaUpdate', 'activePolicyUpdate', 'activeProfileUpdate', 'workloadEndpointUpdate', 'hostEndpointUpdate',
      'workloadEndpointRemove', 'hostEndpointRemove', 'activeProfileRemove', 'activePolicyRemove', 'ipsetRemove', 'inSync',
    ]);
  });

  it('sends InSync once, at the end of the first flush after it hears of it', () => {
    const { seq, kinds } = sequencer();
    seq.flush();
    seq.onInSync();
    seq.flush();
    seq.onInSync();
    seq.flush();
    expect(kinds()).toEqual(['inSync']);
    expect(seq.inSyncSent).toBe(true);
  });

  it('tells the dataplane connection when the datastore is not ready', () => {
    const { seq, notReady } = sequencer();
    seq.onEvent({ kind: 'datastore-not-ready' });
    seq.flush();
    seq.flush();
    expect(notReady()).toBe(1);
  });

  it('treats a set added again while the dataplane has it as a broken invariant', () => {
    const { seq } = sequencer();
    seq.onEvent({ kind: 'ipset-added', id: 's:1', type: 'NET', meta: { selector: 'all()' } });
    seq.flush();
    expect(() => seq.onEvent({ kind: 'ipset-added', id: 's:1', type: 'NET', meta: { selector: 'all()' } })).toThrow(/invariant/);
  });
});
