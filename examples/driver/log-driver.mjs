#!/usr/bin/env node
// A tiny external dataplane driver, started the way Felix starts one (troupe run --dataplane
// driver:"node examples/driver/log-driver.mjs"): ToDataplane frames arrive on fd 3, FromDataplane
// frames go back on fd 4; each frame is an 8-byte little-endian length and a protobuf message.
// It programs nothing: it logs what it receives and, once in sync, tells troupe so. No dependencies:
// it reads just enough protobuf (the top-level field numbers) to name each message.
import { Buffer } from 'node:buffer';
import { createReadStream, createWriteStream } from 'node:fs';

const PAYLOADS = {
  1: 'InSync', 2: 'IPSetUpdate', 3: 'IPSetDeltaUpdate', 4: 'IPSetRemove', 5: 'ActiveProfileUpdate', 6: 'ActiveProfileRemove',
  7: 'ActivePolicyUpdate', 8: 'ActivePolicyRemove', 9: 'HostEndpointUpdate', 10: 'HostEndpointRemove',
  11: 'WorkloadEndpointUpdate', 12: 'WorkloadEndpointRemove', 13: 'ConfigUpdate',
};

function varint(bytes, offset) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[offset++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, offset];
    shift += 7;
  }
}

/** The message's payload name and sequence number, from its top-level fields. */
function describe(body) {
  let offset = 0;
  let name = 'unknown';
  let sequence = 0;
  while (offset < body.length) {
    let tag;
    [tag, offset] = varint(body, offset);
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    if (wire === 0) {
      let value;
      [value, offset] = varint(body, offset);
      if (field === 15) sequence = value;
    } else if (wire === 2) {
      let length;
      [length, offset] = varint(body, offset);
      if (PAYLOADS[field] !== undefined) name = PAYLOADS[field];
      offset += length;
    } else if (wire === 1) offset += 8;
    else if (wire === 5) offset += 4;
    else throw new Error(`unexpected wire type ${wire}`);
  }
  return { name, sequence };
}

const replies = createWriteStream(null, { fd: 4 });
const counts = new Map();
let pending = Buffer.alloc(0);
createReadStream(null, { fd: 3 }).on('data', (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  while (pending.length >= 8) {
    const length = Number(pending.readBigUInt64LE(0));
    if (pending.length < 8 + length) break;
    const { name, sequence } = describe(pending.subarray(8, 8 + length));
    pending = pending.subarray(8 + length);
    counts.set(name, (counts.get(name) ?? 0) + 1);
    if (name === 'InSync') {
      console.log(`driver: in sync after ${sequence + 1} messages: ${[...counts].map(([kind, count]) => `${count} ${kind}`).join(', ')}`);
      // FromDataplane { dataplane_in_sync = 10 {} }: tag 10, length-delimited, empty.
      const reply = Buffer.from([0x52, 0x00]);
      const frame = Buffer.alloc(8 + reply.length);
      frame.writeBigUInt64LE(BigInt(reply.length), 0);
      reply.copy(frame, 8);
      replies.write(frame);
    } else if (counts.get('InSync') !== undefined) {
      console.log(`driver: #${sequence} ${name}`);
    }
  }
}).on('end', () => {
  console.log('driver: stream closed; exiting');
  replies.end();
});
