/**
 * Aligned barriers for a node with several inputs (ARCHITECTURE.md, "Ordering across fan-in"). Control
 * markers (sync status, flush) enter the graph at its one source and are copied onto every edge; a
 * node acts on a marker, and forwards it, only once it has the marker from every input. Until then,
 * anything arriving on an input that has already delivered the marker belongs after it, so it waits
 * in a bounded buffer (Flink's aligned checkpoints). Each channel is FIFO, so a marker never
 * overtakes data, and the node never sees data from "after" a flush before that flush.
 */
import type { SyncStatus } from './events.js';

/** Where a flush's completion is reported (an `ask` waiting for it). */
export interface FlushReply {
  readonly replyTo: string;
  readonly correlationId: string | undefined;
}

export interface Marker {
  /** Increasing per source; every input delivers the same id. */
  readonly id: number;
  /** The datastore's status, when this marker carries it (InSync). */
  readonly status?: SyncStatus;
  /** Flush what has changed once every input is past this marker. */
  readonly flush: boolean;
  readonly replies?: readonly FlushReply[];
  /** How many batches of records the source had taken in when it sent this marker (durable restarts compare it). */
  readonly version?: number;
}

export type ChannelMessage<T> = { readonly kind: 'data'; readonly items: readonly T[] } | { readonly kind: 'marker'; readonly marker: Marker };

export interface BarrierHandlers<T> {
  data(from: string, items: readonly T[]): void;
  /** All inputs are past `marker`: act on it and forward it. */
  marker(marker: Marker): void;
}

export class BarrierOverflowError extends Error {
  readonly code = 'CALC_ERR_BARRIER_OVERFLOW';
}

export class BarrierAligner<T> {
  readonly #inputs: ReadonlySet<string>;
  readonly #limit: number;
  #pending: Marker | undefined;
  readonly #arrived = new Set<string>();
  #buffer: [string, ChannelMessage<T>][] = [];

  /** `limit`: messages held back per alignment before the node gives up (a broken invariant). */
  constructor(inputs: readonly string[], limit = 100_000) {
    this.#inputs = new Set(inputs);
    this.#limit = limit;
  }

  /** True while a marker has come in on some inputs but not all. */
  get aligning(): boolean {
    return this.#pending !== undefined;
  }

  get buffered(): number {
    return this.#buffer.length;
  }

  offer(from: string, message: ChannelMessage<T>, handlers: BarrierHandlers<T>): void {
    if (!this.#inputs.has(from)) throw new Error(`invariant: message from ${from}, which is not an input (${[...this.#inputs].join(', ')})`);
    if (this.#arrived.has(from)) {
      if (this.#buffer.length >= this.#limit) {
        throw new BarrierOverflowError(`more than ${this.#limit} messages held back waiting for marker ${this.#pending?.id} from ${[...this.#inputs].filter((input) => !this.#arrived.has(input)).join(', ')}`);
      }
      this.#buffer.push([from, message]);
      return;
    }
    if (message.kind === 'data') {
      handlers.data(from, message.items);
      return;
    }
    this.#arrive(from, message.marker, handlers);
  }

  #arrive(from: string, marker: Marker, handlers: BarrierHandlers<T>): void {
    if (this.#pending === undefined) this.#pending = marker;
    else if (this.#pending.id !== marker.id) throw new Error(`invariant: marker ${marker.id} from ${from} while aligning marker ${this.#pending.id}`);
    this.#arrived.add(from);
    if (this.#arrived.size < this.#inputs.size) return;
    const complete = this.#pending;
    this.#pending = undefined;
    this.#arrived.clear();
    handlers.marker(complete);
    const held = this.#buffer;
    this.#buffer = [];
    for (const [input, message] of held) this.offer(input, message, handlers);
  }
}
