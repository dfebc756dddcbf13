/**
 * The dataplane end of the pipeline (Felix's DataplaneConnector): numbers each ToDataplane message
 * from 0 and hands it to a sink. A driver needs its config before anything else, so ConfigUpdate is
 * always message 0: when the graph's first message is not a ConfigUpdate (it flushed IP sets before
 * the datastore was in sync), the startup config goes out ahead of it.
 */
import { encodeToDataplane } from '../../../protocol/dataplane/codec.js';
import type { IpSetMeta, ToDataplane, ToDataplanePayload } from '../../../protocol/dataplane/messages.js';
import { DataplaneState } from './dataplane-state.js';

export interface DataplaneSink {
  write(message: ToDataplane, ipSetMeta?: IpSetMeta): void;
  /** Where the stream stands, stored with the dataplane actor's mirror (a file's length). */
  position?(): unknown;
  /**
   * After a restart, what this output already has beyond the stored `position`. `keep`: the stored
   * mirror holds, and `messages` came after it; `keep: false`: rebuild the mirror from `messages`
   * alone. Undefined: a new consumer (a new driver process) that needs a complete stream from 0.
   * An output without `resume` is one that lives as long as the process: it always continues.
   */
  resume?(position: unknown): { readonly keep: boolean; readonly messages: readonly ToDataplane[] } | undefined;
}

/** Where a resumed stream continues: the next sequence number, and whether InSync has gone out. */
export interface ConnectionResume {
  readonly next: number;
  readonly inSync: boolean;
}

export class DataplaneConnection {
  readonly #sink: DataplaneSink;
  readonly #startupConfig: Readonly<Record<string, string>>;
  #next = 0;
  #inSync = false;

  constructor(sink: DataplaneSink, startupConfig: Readonly<Record<string, string>> = {}, resume?: ConnectionResume) {
    this.#sink = sink;
    this.#startupConfig = startupConfig;
    this.#next = resume?.next ?? 0;
    this.#inSync = resume?.inSync ?? false;
  }

  get sent(): number {
    return this.#next;
  }

  /** True once InSync has gone out: the dataplane has a complete picture. */
  get inSync(): boolean {
    return this.#inSync;
  }

  send(payload: ToDataplanePayload, ipSetMeta?: IpSetMeta): void {
    if (this.#next === 0 && !('configUpdate' in payload)) this.send({ configUpdate: { config: this.#startupConfig } });
    if ('inSync' in payload) this.#inSync = true;
    this.#sink.write({ ...payload, sequenceNumber: this.#next }, ipSetMeta);
    this.#next += 1;
  }
}

/** Keeps every message (tests, small runs). */
export class MemorySink implements DataplaneSink {
  readonly messages: ToDataplane[] = [];
  write(message: ToDataplane): void {
    this.messages.push(message);
  }
}

/** Applies each message to a mock dataplane, checking Felix's invariants as it goes. */
export class StateSink implements DataplaneSink {
  readonly state = new DataplaneState();
  write(message: ToDataplane, ipSetMeta?: IpSetMeta): void {
    this.state.apply(message, ipSetMeta);
  }
}

/** Felix's external-driver framing: 8-byte little-endian length, then the protobuf. */
export class FrameSink implements DataplaneSink {
  bytes = 0;
  constructor(private readonly out: (frame: Uint8Array) => void) {}
  write(message: ToDataplane): void {
    const frame = encodeToDataplane(message as unknown as Record<string, unknown>);
    this.bytes += frame.length;
    this.out(frame);
  }
}

/** Several sinks in turn. */
export class TeeSink implements DataplaneSink {
  constructor(private readonly sinks: readonly DataplaneSink[]) {}
  write(message: ToDataplane, ipSetMeta?: IpSetMeta): void {
    for (const sink of this.sinks) sink.write(message, ipSetMeta);
  }
}
