/**
 * Felix's external-dataplane wire format (felix/dataplane/external/ext_dataplane.go): each frame is an
 * 8-byte little-endian unsigned length followed by that many bytes of a serialized `ToDataplane`
 * (troupe → driver) or `FromDataplane` (driver → troupe). Messages are the protobufjs object form of
 * felixbackend.proto (camelCase fields, one `payload` member set); wire types stay in this folder.
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { TroupeError } from '../../runtime/errors.js';

const root = protobuf.loadSync(fileURLToPath(new URL('./felixbackend.proto', import.meta.url)));
const toDataplaneType = root.lookupType('felix.ToDataplane');
const fromDataplaneType = root.lookupType('felix.FromDataplane');
const ruleType = root.lookupType('felix.Rule');

/** Length prefix size: Felix writes a uint64. */
export const FRAME_HEADER_BYTES = 8;
/** A frame longer than this is a corrupt stream, not a message (Felix's largest are IP sets of ~1e6 members). */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

export type DataplaneMessage = Record<string, unknown> & { sequenceNumber?: number };

const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: String, defaults: false, arrays: true, objects: true };

export class FrameError extends TroupeError {
  constructor(message: string) {
    super('PROTOCOL_ERR_FRAME', message);
  }
}

function encodeWith(type: protobuf.Type, message: DataplaneMessage): Uint8Array {
  // fromObject converts enum names and rejects structural mismatches; verify checks what it built.
  let instance: protobuf.Message;
  try {
    instance = type.fromObject(message);
  } catch (error) {
    throw new FrameError(`invalid ${type.name}: ${(error as Error).message}`);
  }
  const problem = type.verify(instance);
  if (problem !== null) throw new FrameError(`invalid ${type.name}: ${problem}`);
  const body = type.encode(instance).finish();
  const frame = new Uint8Array(FRAME_HEADER_BYTES + body.length);
  new DataView(frame.buffer).setBigUint64(0, BigInt(body.length), true);
  frame.set(body, FRAME_HEADER_BYTES);
  return frame;
}

export function encodeToDataplane(message: DataplaneMessage): Uint8Array {
  return encodeWith(toDataplaneType, message);
}

export function encodeFromDataplane(message: DataplaneMessage): Uint8Array {
  return encodeWith(fromDataplaneType, message);
}

/** A Rule's protobuf bytes, unframed: what Felix hashes into rule IDs. */
export function encodeRule(rule: object): Uint8Array {
  return ruleType.encode(ruleType.fromObject(rule)).finish();
}

export function decodeToDataplaneBody(body: Uint8Array): DataplaneMessage {
  return toDataplaneType.toObject(toDataplaneType.decode(body), TO_OBJECT) as DataplaneMessage;
}

export function decodeFromDataplaneBody(body: Uint8Array): DataplaneMessage {
  return fromDataplaneType.toObject(fromDataplaneType.decode(body), TO_OBJECT) as DataplaneMessage;
}

/**
 * Reassembles frames from a byte stream cut anywhere (pipe reads, file chunks) and decodes each one.
 * Bounded: holds at most one partial frame.
 */
export class FrameDecoder {
  readonly #decodeBody: (body: Uint8Array) => DataplaneMessage;
  #pending: Buffer = Buffer.alloc(0);

  constructor(direction: 'to-dataplane' | 'from-dataplane' = 'to-dataplane') {
    this.#decodeBody = direction === 'to-dataplane' ? decodeToDataplaneBody : decodeFromDataplaneBody;
  }

  /** Bytes of an incomplete frame still waiting for the rest. */
  get buffered(): number {
    return this.#pending.length;
  }

  push(chunk: Uint8Array): DataplaneMessage[] {
    this.#pending = this.#pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.#pending, chunk]);
    const messages: DataplaneMessage[] = [];
    let offset = 0;
    while (this.#pending.length - offset >= FRAME_HEADER_BYTES) {
      const length = this.#pending.readBigUInt64LE(offset);
      if (length > BigInt(MAX_FRAME_BYTES)) throw new FrameError(`frame of ${length} bytes exceeds ${MAX_FRAME_BYTES}: the stream is corrupt`);
      const end = offset + FRAME_HEADER_BYTES + Number(length);
      if (end > this.#pending.length) break;
      messages.push(this.#decodeBody(this.#pending.subarray(offset + FRAME_HEADER_BYTES, end)));
      offset = end;
    }
    this.#pending = this.#pending.subarray(offset);
    return messages;
  }
}
