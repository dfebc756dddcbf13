/**
 * A bounded FIFO mailbox with a per-actor overflow policy.
 *
 *   offer ──> [coalesce? replace queued message with the same key]
 *         ──> room?  ──yes──> queue (ring, capacity N)
 *                    ──no───> block:       wait in line (bounded); the sender resumes when accepted
 *                             coalesce:    as block, for a key not yet queued
 *                             drop-oldest: drop the head, queue the newcomer
 *                             fail:        reject (the sender gets MailboxFullError)
 *
 * Accounting invariant, checked by tests after chaos runs:
 *   received = processed + deadLettered + dropped + coalesced + rejected + depth + waiting
 *
 * In a multi-threaded system (threads/occupancy.ts) the room is counted in shared memory instead of
 * by the queue's length: senders on other threads reserve their place before sending, and messages
 * arriving with a reservation are admitted with `admitReserved` (or `admitEvicting` for drop-oldest).
 */
import assert from 'node:assert';
import type { Envelope } from './message.js';
import { RingQueue } from './ring-queue.js';
import type { SharedOccupancy } from './threads/occupancy.js';

export type OverflowPolicy = 'block' | 'coalesce' | 'drop-oldest' | 'fail';

export interface MailboxOptions {
  readonly capacity: number;
  readonly policy: OverflowPolicy;
  /** Required for `coalesce`: messages with equal keys replace each other while queued. */
  readonly coalesceKey?: (envelope: Envelope) => string | number;
  /** Bound on senders waiting for room (`block`, `coalesce`); beyond it sends are rejected. */
  readonly maxWaiting?: number;
}

export const DEFAULT_MAILBOX: MailboxOptions = { capacity: 1024, policy: 'block' };

export interface MailboxCounters {
  received: number;
  processed: number;
  deadLettered: number;
  dropped: number;
  coalesced: number;
  rejected: number;
}

export interface MailboxStats extends Readonly<MailboxCounters> {
  readonly depth: number;
  readonly waiting: number;
  readonly highWater: number;
  readonly capacity: number;
  readonly policy: OverflowPolicy;
}

/** What happened to an offered message. `dropped` carries the evicted head for drop-oldest. */
export type OfferOutcome =
  | { readonly kind: 'accepted' }
  | { readonly kind: 'coalesced' }
  | { readonly kind: 'dropped'; readonly dropped: Envelope }
  | { readonly kind: 'waiting'; readonly waiter: Waiter }
  | { readonly kind: 'rejected' };

const ACCEPTED: OfferOutcome = { kind: 'accepted' };
const COALESCED: OfferOutcome = { kind: 'coalesced' };
const REJECTED: OfferOutcome = { kind: 'rejected' };

/** A message waiting for room; the sender sets `release` to hear when it gets in. */
export interface Waiter {
  readonly envelope: Envelope;
  /** Called once the envelope enters the queue (or is discarded when the mailbox closes). */
  release: (() => void) | undefined;
}

export class Mailbox {
  readonly capacity: number;
  readonly policy: OverflowPolicy;
  readonly counters: MailboxCounters = { received: 0, processed: 0, deadLettered: 0, dropped: 0, coalesced: 0, rejected: 0 };
  readonly #queue: RingQueue<Envelope>;
  readonly #waiters = new RingQueue<Waiter>(4);
  readonly #maxWaiting: number;
  readonly #keyOf: ((envelope: Envelope) => string | number) | undefined;
  readonly #positionByKey = new Map<string | number, number>();
  #highWater = 0;
  /** Fault injection: while set, the mailbox behaves as if this were its capacity. */
  #fillLimit: number | undefined;
  /** Where the room is counted when senders on other threads share it. */
  #shared: { readonly occupancy: SharedOccupancy; readonly slot: number } | undefined;
  /** Places vacated but not yet given back to the shared count (given back together by `settle`). */
  #vacated = 0;

  constructor(options: MailboxOptions) {
    assert(Number.isInteger(options.capacity) && options.capacity > 0, `mailbox capacity must be a positive integer, got ${options.capacity}`);
    assert(options.policy !== 'coalesce' || options.coalesceKey !== undefined, 'a coalesce mailbox needs a coalesceKey');
    this.capacity = options.capacity;
    this.policy = options.policy;
    this.#keyOf = options.policy === 'coalesce' ? options.coalesceKey : undefined;
    this.#maxWaiting = options.maxWaiting ?? Math.max(64, options.capacity);
    this.#queue = new RingQueue<Envelope>(Math.min(options.capacity, 1024));
  }

  get depth(): number {
    return this.#queue.length;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  #limit(): number {
    return this.#fillLimit === undefined ? this.capacity : Math.min(this.capacity, this.#fillLimit);
  }

  /** Counts the room in `occupancy[slot]` from now on (before any message arrives). */
  share(occupancy: SharedOccupancy, slot: number): void {
    assert(this.#queue.length === 0 && this.#waiters.length === 0, 'a mailbox is shared before it holds anything');
    this.#shared = { occupancy, slot };
  }

  /** Takes a place if there is room: in shared memory when shared, else by the queue's length. */
  #reserve(): boolean {
    if (this.#shared === undefined) return this.#queue.length < this.#limit();
    return this.#shared.occupancy.tryReserve(this.#shared.slot, this.#limit());
  }

  /**
   * A message left the queue and nothing took its place. The shared count hears of it at `settle`
   * (the end of the actor's turn): one atomic update and one wake-up per turn, not per message.
   */
  #vacate(): void {
    if (this.#shared !== undefined) this.#vacated += 1;
  }

  /** Gives vacated places back to the shared count, and lets waiting local senders in. */
  settle(): void {
    if (this.#vacated === 0) return;
    this.#shared!.occupancy.release(this.#shared!.slot, this.#vacated);
    this.#vacated = 0;
    if (this.#waiters.length > 0) this.#admitWaiters();
  }

  /**
   * A message whose sender (on another thread) reserved its place. With coalesce, it replaces a queued
   * message with the same key (and gives its reservation back).
   */
  admitReserved(envelope: Envelope): void {
    this.counters.received += 1;
    if (this.#keyOf !== undefined) {
      const position = this.#positionByKey.get(this.#keyOf(envelope));
      if (position !== undefined) {
        this.#queue.replace(position, envelope);
        this.counters.coalesced += 1;
        this.#vacate();
        this.settle();
        return;
      }
    }
    this.#enqueue(envelope);
  }

  /** A drop-oldest message sent to a full mailbox from another thread: it takes the oldest one's place. */
  admitEvicting(envelope: Envelope): Envelope | undefined {
    this.counters.received += 1;
    let dropped: Envelope | undefined;
    if (this.#queue.length > 0) {
      dropped = this.#shiftQueue();
      this.counters.dropped += 1;
    } else {
      this.#shared?.occupancy.take(this.#shared.slot); // everything is still on its way: over the bound until it lands
    }
    this.#enqueue(envelope);
    return dropped;
  }

  /**
   * A message from another thread as it crossed (threads/remote-router.ts): reserved, evicting
   * (drop-oldest over the bound) or only a rejection to count (`x`). Not `open` (the actor is stopping):
   * refused, its place given back. Returns what the overflow event reports, if anything.
   */
  admitCrossing(envelope: Envelope, mode: 'r' | 'e' | 'x', open: boolean): OfferOutcome | 'refused' | undefined {
    if (mode === 'x') {
      this.countRejectedElsewhere();
      return REJECTED;
    }
    if (!open) {
      if (mode === 'r') this.refuseReserved();
      else this.countDeadOnArrival();
      return 'refused';
    }
    if (mode === 'r') {
      this.admitReserved(envelope);
      return undefined;
    }
    const dropped = this.admitEvicting(envelope);
    return dropped === undefined ? undefined : { kind: 'dropped', dropped };
  }

  /** A sender on another thread found this `fail` mailbox full: counted here, where the actor's figures are. */
  countRejectedElsewhere(): void {
    this.counters.received += 1;
    this.counters.rejected += 1;
  }

  /** Offers an envelope. A `waiting` outcome carries the waiter, whose `release` the sender may set. */
  offer(envelope: Envelope): OfferOutcome {
    this.counters.received += 1;
    if (this.#keyOf !== undefined) {
      const key = this.#keyOf(envelope);
      const position = this.#positionByKey.get(key);
      if (position !== undefined) {
        this.#queue.replace(position, envelope);
        this.counters.coalesced += 1;
        return COALESCED;
      }
    }
    // Someone is already waiting: queue behind them so per-sender order holds.
    if (this.#waiters.length === 0 && this.#reserve()) {
      this.#enqueue(envelope);
      return ACCEPTED;
    }
    switch (this.policy) {
      case 'fail':
        this.counters.rejected += 1;
        return REJECTED;
      case 'drop-oldest': {
        const dropped = this.#queue.length > 0 ? this.#shiftQueue() : envelope;
        this.counters.dropped += 1;
        if (dropped !== envelope) this.#enqueue(envelope);
        return { kind: 'dropped', dropped };
      }
      case 'block':
      case 'coalesce': {
        if (this.#waiters.length >= this.#maxWaiting) {
          this.counters.rejected += 1;
          return REJECTED;
        }
        const waiter: Waiter = { envelope, release: undefined };
        this.#waiters.push(waiter);
        return { kind: 'waiting', waiter };
      }
    }
  }

  peek(): Envelope | undefined {
    return this.#queue.peek();
  }

  /** Removes the head after it was handled successfully. */
  completeHead(): Envelope {
    const head = this.#shiftQueue();
    this.#vacate();
    this.counters.processed += 1;
    if (this.#waiters.length > 0) this.#admitWaiters();
    return head;
  }

  /** Removes the head because it was dead-lettered (poison message). */
  deadLetterHead(): Envelope {
    const head = this.#shiftQueue();
    this.#vacate();
    this.counters.deadLettered += 1;
    this.#admitWaiters();
    return head;
  }

  /** Empties queue and waiters (actor stopped for good); every envelope counts as dead-lettered. */
  drainToDeadLetters(): Envelope[] {
    const out = this.#queue.drain();
    for (let index = 0; index < out.length; index += 1) this.#vacate();
    this.settle();
    this.#positionByKey.clear();
    for (const waiter of this.#waiters.drain()) {
      out.push(waiter.envelope);
      waiter.release?.();
    }
    this.counters.deadLettered += out.length;
    return out;
  }

  /** A reserved message from another thread refused on arrival (actor stopping): dead-lettered, its place given back. */
  refuseReserved(): void {
    this.countDeadOnArrival();
    this.#vacate();
    this.settle();
  }

  /** Counts a message that was refused before reaching the queue (actor stopping) as dead-lettered. */
  countDeadOnArrival(): void {
    this.counters.received += 1;
    this.counters.deadLettered += 1;
  }

  /** Fault injection: act as full from now on (capacity = current depth) until `clearFill`. */
  fill(): void {
    this.#fillLimit = this.#queue.length;
  }

  clearFill(): void {
    this.#fillLimit = undefined;
    this.#admitWaiters();
  }

  stats(): MailboxStats {
    return {
      ...this.counters,
      depth: this.#queue.length,
      waiting: this.#waiters.length,
      highWater: this.#highWater,
      capacity: this.capacity,
      policy: this.policy,
    };
  }

  #enqueue(envelope: Envelope): void {
    const position = this.#queue.push(envelope);
    if (this.#keyOf !== undefined) this.#positionByKey.set(this.#keyOf(envelope), position);
    if (this.#queue.length > this.#highWater) this.#highWater = this.#queue.length;
  }

  #shiftQueue(): Envelope {
    const position = this.#queue.headPosition;
    const head = this.#queue.shift();
    if (head === undefined) assert.fail('mailbox head taken from an empty queue'); // per message: no assert() call
    if (this.#keyOf !== undefined) {
      const key = this.#keyOf(head);
      if (this.#positionByKey.get(key) === position) this.#positionByKey.delete(key);
    }
    return head;
  }

  #admitWaiters(): void {
    while (this.#waiters.length > 0 && this.#reserve()) {
      const waiter = this.#waiters.shift()!;
      this.#enqueue(waiter.envelope);
      waiter.release?.();
    }
  }
}
