/**
 * Sends between threads, as each thread sees them. A message for an actor on another thread is
 * checked against that actor's bound first (threads/occupancy.ts), then goes out on the link to its
 * thread in the next batch:
 *
 *   room in the shared count ─▶ reserved ('r'): the receiver admits it into the queue
 *   full, fail ──────────────▶ MailboxFullError here and now; the receiver counts the rejection ('x')
 *   full, drop-oldest ────────▶ evicting ('e'): on arrival it takes the oldest queued message's place
 *   full, block / coalesce ───▶ a lane (at most maxWaiting long, then rejected as on one thread):
 *                               it waits (Atomics.waitAsync) until there is room; later
 *                               messages to the same actor queue behind it, so order holds; an actor
 *                               sender takes no new message until its message is out (backpressure)
 *   no directory entry yet ───▶ unreserved ('u'): the receiver offers it like a local send
 *                               (ask replies, paths the directory has not reached)
 *
 * The directory (path → slot, capacity, policy) is kept by main and sent to every worker at spawn.
 */
import type { OverflowPolicy } from '../mailbox.js';
import { MailboxFullError, WireFormatError } from '../errors.js';
import type { SharedOccupancy } from './occupancy.js';
import type { Placement, ThreadName } from './placement.js';
import { ThreadLink, readBatch } from './link.js';
import type { BatchReader, LinkItem, LinkPort } from './link.js';

export interface DirectoryEntry {
  readonly thread: ThreadName;
  readonly slot: number;
  readonly capacity: number;
  readonly policy: OverflowPolicy;
  /** Messages that may wait for room (block, coalesce) before further sends are rejected, as on one thread. */
  readonly maxWaiting: number;
  /** Its payloads cross as JSON text (cell-spec.ts WireFormat). */
  readonly json: boolean;
}

/** How a message crossed: reserved, evicting, unreserved, or only a rejection to count. */
export type CrossingMode = 'r' | 'e' | 'u' | 'x';

/** Nothing: sent. A promise: waiting for room (resolves once sent). An error: refused (full `fail` mailbox). */
export type CrossingOutcome = undefined | Promise<void> | Error;

/**
 * Backpressure on an actor sender whose message waits for room on another thread: it takes nothing
 * new until the message is out (`wake` puts it back on its run queue).
 */
export function parkSender(sender: { parked: number }, sent: Promise<void>, wake: () => void): void {
  sender.parked += 1;
  void sent.then(() => {
    sender.parked -= 1;
    if (sender.parked === 0) wake();
  });
}

/** A message waiting for room: its fields as a link carries them, and who to tell once it is out. */
interface LaneItem { readonly fields: readonly [string, string, unknown, string | undefined, string | undefined, number]; readonly json: boolean; readonly sent: () => void }

export class RemoteRouter {
  readonly thread: ThreadName;
  readonly placement: Placement;
  readonly occupancy: SharedOccupancy;
  readonly directory = new Map<string, DirectoryEntry>();
  readonly #links = new Map<ThreadName, ThreadLink>();
  /** Records for a thread whose link is down (a worker being replaced); sent when it is back. */
  readonly #held = new Map<ThreadName, unknown[]>();
  readonly #lanes = new Map<string, LaneItem[]>();
  readonly #reader: (from: ThreadName) => BatchReader;

  constructor(thread: ThreadName, placement: Placement, occupancy: SharedOccupancy, reader: (from: ThreadName) => BatchReader) {
    this.thread = thread;
    this.placement = placement;
    this.occupancy = occupancy;
    this.#reader = reader;
  }

  isRemote(path: string): boolean {
    return this.placement.threadOf(path) !== this.thread;
  }

  /** Opens the link to `thread` over `port`, and sends what was held for it. */
  connect(thread: ThreadName, port: LinkPort): void {
    const reader = this.#reader(thread);
    const link = new ThreadLink(port, (batch) => readBatch(batch, reader));
    this.#links.set(thread, link);
    const held = this.#held.get(thread);
    if (held !== undefined && held.length > 0) link.records(held);
    this.#held.delete(thread);
  }

  /** `thread` is gone: hold what is sent to it until `connect` (its replacement). */
  disconnect(thread: ThreadName): void {
    this.#links.get(thread)?.close();
    this.#links.delete(thread);
    if (!this.#held.has(thread)) this.#held.set(thread, []);
  }

  get links(): ReadonlyMap<ThreadName, ThreadLink> {
    return this.#links;
  }

  #heldFor(thread: ThreadName): unknown[] {
    let held = this.#held.get(thread);
    if (held === undefined) this.#held.set(thread, (held = []));
    return held;
  }

  /** Posts a control item (not a message) to `thread`, in order with the messages to it. */
  post(thread: ThreadName, item: LinkItem): void {
    const link = this.#links.get(thread);
    if (link !== undefined) link.control(item);
    else this.#heldFor(thread).push('c', item);
  }

  #message(thread: ThreadName, to: string, type: string, payload: unknown, sender: string | undefined, correlationId: string | undefined, enqueuedAt: number, mode: CrossingMode, json = false): void {
    const link = this.#links.get(thread);
    if (link !== undefined) link.message(to, type, payload, sender, correlationId, enqueuedAt, mode, json);
    else this.#heldFor(thread).push(json ? 'j' : 'm', to, type, payload, sender, correlationId, enqueuedAt, mode);
  }

  /** Sends a message to `to`, an actor on another thread. */
  send(to: string, type: string, message: unknown, sender: string | undefined, correlationId: string | undefined, enqueuedAt: number): CrossingOutcome {
    const entry = this.directory.get(to);
    // A plain-data actor's payload is written as JSON here, so a payload JSON cannot carry fails its sender now.
    let payload = message;
    const json = entry?.json === true && message !== undefined;
    if (json) {
      try {
        payload = JSON.stringify(message);
      } catch (error) {
        return new WireFormatError(to, type, (error as Error).message);
      }
      if (payload === undefined) return new WireFormatError(to, type, `a ${typeof message} is not data`);
    }
    if (entry === undefined) {
      this.#message(this.placement.threadOf(to), to, type, payload, sender, correlationId, enqueuedAt, 'u');
      return undefined;
    }
    const thread = entry.thread;
    const lane = this.#lanes.get(to);
    if (lane === undefined && this.occupancy.tryReserve(entry.slot, entry.capacity)) {
      this.#message(thread, to, type, payload, sender, correlationId, enqueuedAt, 'r', json);
      return undefined;
    }
    if (entry.policy === 'fail' && lane === undefined) {
      this.#message(thread, to, type, undefined, sender, correlationId, enqueuedAt, 'x');
      return new MailboxFullError(to, entry.capacity);
    }
    if (entry.policy === 'drop-oldest' && lane === undefined) {
      this.#message(thread, to, type, payload, sender, correlationId, enqueuedAt, 'e', json);
      return undefined;
    }
    if ((lane?.length ?? 0) >= entry.maxWaiting) {
      this.#message(thread, to, type, undefined, sender, correlationId, enqueuedAt, 'x');
      return new MailboxFullError(to, entry.capacity);
    }
    return new Promise<void>((sent) => {
      const waiting: LaneItem = { fields: [to, type, payload, sender, correlationId, enqueuedAt], json, sent };
      if (lane !== undefined) {
        lane.push(waiting);
        return;
      }
      this.#lanes.set(to, [waiting]);
      void this.#drainLane(to, entry);
    });
  }

  /** Sends a lane's messages in order as room appears. */
  async #drainLane(to: string, entry: DirectoryEntry): Promise<void> {
    const lane = this.#lanes.get(to)!;
    while (lane.length > 0) {
      const seen = this.occupancy.load(entry.slot);
      if (this.occupancy.tryReserve(entry.slot, entry.capacity)) {
        const { fields, json, sent } = lane.shift()!;
        this.#message(entry.thread, ...fields, 'r', json);
        sent();
        continue;
      }
      await this.occupancy.changed(entry.slot, seen);
    }
    this.#lanes.delete(to);
  }

  /** Messages waiting for room, per target (inspection, tests). */
  waiting(): number {
    let count = 0;
    for (const lane of this.#lanes.values()) count += lane.length;
    return count;
  }

  /** Gives back the place a reserved message held (it reached no queue). */
  releaseReservation(path: string): void {
    const entry = this.directory.get(path);
    if (entry !== undefined) this.occupancy.release(entry.slot);
  }

  flush(): void {
    for (const link of this.#links.values()) link.flush();
  }

  close(): void {
    for (const link of this.#links.values()) link.close();
    this.#links.clear();
  }
}
