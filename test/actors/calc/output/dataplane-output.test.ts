import { describe, expect, it } from 'vitest';
import { DataplaneConnection, FrameSink, MemorySink } from '../../../../src/actors/calc/output/dataplane-connection.js';
import { DataplaneInvariantError, DataplaneState } from '../../../../src/actors/calc/output/dataplane-state.js';
import { FrameDecoder } from '../../../../src/protocol/dataplane/codec.js';

describe('DataplaneConnection', () => {
  it('numbers messages from 0 and puts the startup config first when the graph opens with something else', () => {
    const sink = new MemorySink();
    const connection = new DataplaneConnection(sink, { a: '1' });
    connection.send({ ipsetUpdate: { id: 's:1', members: [], type: 'NET' } });
    connection.send({ inSync: {} });
    expect(sink.messages).toEqual([
      { configUpdate: { config: { a: '1' } }, sequenceNumber: 0 },
      { ipsetUpdate: { id: 's:1', members: [], type: 'NET' }, sequenceNumber: 1 },
      { inSync: {}, sequenceNumber: 2 },
    ]);
    expect(connection.inSync).toBe(true);
  });

  it('sends no extra config when the first message is one', () => {
    const sink = new MemorySink();
    new DataplaneConnection(sink).send({ configUpdate: { config: { b: '2' } } });
    expect(sink.messages).toEqual([{ configUpdate: { config: { b: '2' } }, sequenceNumber: 0 }]);
  });

  it('frames each message with an 8-byte little-endian length, as a driver reads it', () => {
    const frames: Uint8Array[] = [];
    const connection = new DataplaneConnection(new FrameSink((frame) => frames.push(frame)));
    connection.send({ inSync: {} });
    const bytes = Buffer.concat(frames);
    expect(bytes.readBigUInt64LE(0)).toBe(BigInt(frames[0]!.length - 8));
    const decoded = new FrameDecoder('to-dataplane').push(bytes);
    expect(decoded.map((message) => Object.keys(message).filter((key) => key !== 'sequenceNumber'))).toEqual([['configUpdate'], ['inSync']]);
  });
});

describe('DataplaneState (the mock dataplane) rejects broken streams', () => {
  const start = () => {
    const state = new DataplaneState();
    state.apply({ configUpdate: { config: {} }, sequenceNumber: 0 });
    return state;
  };
  const rule = (id: string) => ({ action: 'allow', srcIpSetIds: [id] });

  it.each([
    ['a stream not opening with ConfigUpdate', (s: DataplaneState) => new DataplaneState().apply({ inSync: {} }) ?? s],
    ['a gap in sequence numbers', (s: DataplaneState) => s.apply({ inSync: {}, sequenceNumber: 5 })],
    ['InSync twice', (s: DataplaneState) => { s.apply({ inSync: {} }); s.apply({ inSync: {} }); }],
    ['duplicate members', (s: DataplaneState) => s.apply({ ipsetUpdate: { id: 'a', members: ['x', 'x'], type: 'NET' } })],
    ['a delta on an unknown set', (s: DataplaneState) => s.apply({ ipsetDeltaUpdate: { id: 'a', addedMembers: ['x'], removedMembers: [] } })],
    ['a delta re-adding a member', (s: DataplaneState) => { s.apply({ ipsetUpdate: { id: 'a', members: ['x'], type: 'NET' } }); s.apply({ ipsetDeltaUpdate: { id: 'a', addedMembers: ['x'], removedMembers: [] } }); }],
    ['a policy before its IP set', (s: DataplaneState) => s.apply({ activePolicyUpdate: { id: { name: 'p', kind: 'K' }, policy: { inboundRules: [rule('a')], outboundRules: [], originalSelector: 'all()', tier: 'default' } } })],
    ['an endpoint before its policy', (s: DataplaneState) => s.apply({ workloadEndpointUpdate: { id: { orchestratorId: 'k8s', workloadId: 'w', endpointId: 'e' }, endpoint: { state: 'active', name: 'n', profileIds: [], ipv4Nets: [], ipv6Nets: [], tiers: [{ name: 'default', ingressPolicies: [{ name: 'p', kind: 'K' }], egressPolicies: [], defaultAction: 'Deny' }] } } })],
    ['an IP set removed while a policy uses it', (s: DataplaneState) => {
      s.apply({ ipsetUpdate: { id: 'a', members: [], type: 'NET' } });
      s.apply({ activePolicyUpdate: { id: { name: 'p', kind: 'K' }, policy: { inboundRules: [rule('a')], outboundRules: [], originalSelector: 'all()', tier: 'default' } } });
      s.apply({ ipsetRemove: { id: 'a' } });
    }],
  ])('%s', (_name, apply) => {
    expect(() => apply(start())).toThrow(DataplaneInvariantError);
  });
});
