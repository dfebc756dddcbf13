/**
 * Mailbox bounds that hold across threads. Each actor of a multi-threaded system has a slot in one
 * SharedArrayBuffer counting its occupancy: messages queued in its mailbox plus messages reserved by
 * senders and still on their way. A sender on any thread reserves a slot (compare-and-swap below the
 * capacity) before it sends; the receiving mailbox gives it back when the message leaves the queue.
 * So the bound is exact whichever thread sends, a full `fail` mailbox is known to the sender at once,
 * and a `block` sender really waits: `Atomics.waitAsync` on the slot, woken when room appears.
 */
import assert from 'node:assert';

/** `Atomics.waitAsync` (ES2024; in Node since 16) as this file uses it. */
type WaitAsync = (array: Int32Array, index: number, value: number) => { async: boolean; value: Promise<string> | string };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

export class SharedOccupancy {
  readonly buffer: SharedArrayBuffer;
  readonly #counts: Int32Array;

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.#counts = new Int32Array(buffer);
  }

  static create(slots: number): SharedOccupancy {
    return new SharedOccupancy(new SharedArrayBuffer(slots * Int32Array.BYTES_PER_ELEMENT));
  }

  get slots(): number {
    return this.#counts.length;
  }

  load(slot: number): number {
    return Atomics.load(this.#counts, slot);
  }

  /** Takes one place if fewer than `limit` are taken; false when full. */
  tryReserve(slot: number, limit: number): boolean {
    for (let seen = Atomics.load(this.#counts, slot); seen < limit; seen = Atomics.load(this.#counts, slot)) {
      if (Atomics.compareExchange(this.#counts, slot, seen, seen + 1) === seen) return true;
    }
    return false;
  }

  /** Takes a place whatever the count (a message admitted over the bound: drop-oldest's newcomer). */
  take(slot: number): void {
    Atomics.add(this.#counts, slot, 1);
  }

  /** Gives places back; wakes senders waiting for room. */
  release(slot: number, places = 1): void {
    const before = Atomics.sub(this.#counts, slot, places);
    if (before < places) assert.fail(`occupancy of slot ${slot} went below zero`);
    Atomics.notify(this.#counts, slot);
  }

  /** Resolves once the count is no longer `seen` (it may already not be). */
  changed(slot: number, seen: number): Promise<void> {
    const result = waitAsync(this.#counts, slot, seen);
    return result.async ? (result.value as Promise<string>).then(() => undefined) : Promise.resolve();
  }

  /** Sets a slot to zero (a slot handed to a new actor). */
  reset(slot: number): void {
    Atomics.store(this.#counts, slot, 0);
  }
}

/** Hands out slots on main; a slot freed by a removed actor is reused. */
export class SlotAllocator {
  readonly #free: number[] = [];
  #next = 0;

  constructor(readonly capacity: number) {}

  allocate(): number {
    const slot = this.#free.pop() ?? this.#next++;
    if (slot >= this.capacity) throw new RangeError(`more than ${this.capacity} actors in a multi-threaded system`);
    return slot;
  }

  free(slot: number): void {
    this.#free.push(slot);
  }
}
