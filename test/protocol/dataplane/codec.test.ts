import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { FRAME_HEADER_BYTES, FrameDecoder, FrameError, encodeToDataplane } from '../../../src/protocol/dataplane/codec.js';

/** The (field number, wire type) pairs at the top level of a protobuf message. */
function topLevelFields(body: Uint8Array): [number, number][] {
  const reader = protobuf.Reader.create(body);
  const fields: [number, number][] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    fields.push([tag >>> 3, tag & 7]);
    reader.skipType(tag & 7);
  }
  return fields;
}

describe('dataplane frames', () => {
  it("frames a message as an 8-byte little-endian length and the protobuf body, with Felix's field numbers", () => {
    const frame = encodeToDataplane({ sequenceNumber: 7, ipsetUpdate: { id: 's:abc', members: ['10.0.0.1/32'], type: 'NET' } });
    const length = Number(new DataView(frame.buffer).getBigUint64(0, true));
    expect(length).toBe(frame.length - FRAME_HEADER_BYTES);
    const fields = topLevelFields(frame.subarray(FRAME_HEADER_BYTES));
    // sequence_number = 15 (varint), ipset_update = 2 (length-delimited)
    expect(fields).toEqual(expect.arrayContaining([[15, 0], [2, 2]]));
    expect(fields).toHaveLength(2);
  });

  it('round-trips every kind of message the calc pipeline sends', () => {
    const messages = [
      { sequenceNumber: 0, configUpdate: { config: { LogSeverityScreen: 'Info' } } },
      { sequenceNumber: 1, ipsetUpdate: { id: 'n:x', members: ['10.0.0.1,tcp:80'], type: 'IP_AND_PORT' } },
      { sequenceNumber: 2, ipsetDeltaUpdate: { id: 's:y', addedMembers: ['10.0.0.2/32'], removedMembers: ['10.0.0.1/32'] } },
      { sequenceNumber: 3, activePolicyUpdate: { id: { name: 'p', namespace: 'ns', kind: 'NetworkPolicy' }, policy: { tier: 'default', inboundRules: [{ action: 'allow', protocol: { name: 'tcp' }, dstPorts: [{ first: 80, last: 80 }], srcIpSetIds: ['s:y'] }] } } },
      { sequenceNumber: 4, workloadEndpointUpdate: { id: { orchestratorId: 'k8s', workloadId: 'ns/pod', endpointId: 'eth0' }, endpoint: { name: 'cali1', profileIds: ['kns.ns'], ipv4Nets: ['10.0.0.1/32'], tiers: [{ name: 'default', ingressPolicies: [{ name: 'p', namespace: 'ns', kind: 'NetworkPolicy' }], defaultAction: 'Deny' }] } } },
      { sequenceNumber: 5, hostEndpointUpdate: { id: { endpointId: 'eth0' }, endpoint: { name: 'eth0', untrackedTiers: [{ name: 'default' }], preDnatTiers: [{ name: 'default' }] } } },
      { sequenceNumber: 6, ipsetRemove: { id: 's:y' } },
      { sequenceNumber: 7, inSync: {} },
    ];
    const stream = Buffer.concat(messages.map((message) => encodeToDataplane(message)));
    const decoded = new FrameDecoder().push(stream);
    expect(decoded).toHaveLength(messages.length);
    // Everything sent arrives; decoding also fills empty repeated fields and maps, so consumers need no
    // defaults. A sequence number of 0 is proto3's default and is not on the wire at all.
    messages.forEach((message, index) => {
      const { sequenceNumber, ...payload } = message;
      expect(decoded[index]).toMatchObject(payload);
      expect(decoded[index]!.sequenceNumber ?? 0).toBe(sequenceNumber);
    });
    expect(decoded[4]).toMatchObject({ workloadEndpointUpdate: { endpoint: { ipv6Nets: [] } } });
  });

  it('reassembles frames cut at every possible byte boundary', () => {
    const stream = Buffer.concat([encodeToDataplane({ sequenceNumber: 1, inSync: {} }), encodeToDataplane({ sequenceNumber: 2, ipsetRemove: { id: 's:z' } })]);
    for (let cut = 0; cut <= stream.length; cut += 1) {
      const decoder = new FrameDecoder();
      const decoded = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
      expect(decoded.map((message) => message.sequenceNumber)).toEqual([1, 2]);
      expect(decoder.buffered).toBe(0);
    }
  });

  it('refuses a frame length no message could have (a corrupt stream)', () => {
    const header = Buffer.alloc(8);
    header.writeBigUInt64LE(2n ** 40n);
    expect(() => new FrameDecoder().push(header)).toThrow(FrameError);
  });

  it('refuses to encode a message that does not fit the schema', () => {
    expect(() => encodeToDataplane({ ipsetUpdate: { id: 's:x', members: 'not a list' } })).toThrow(/invalid ToDataplane: .*members: array expected/);
  });
});
