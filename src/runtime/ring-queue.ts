/**
 * A FIFO over a circular array: O(1) push and shift without Array#shift's copying, and indexable by
 * absolute position so a coalescing mailbox can replace a queued item in place.
 *
 *   head                      tail
 *    v                         v
 *   [ . . a b c d e . . . . . ]      items live at (head .. tail-1) mod capacity;
 *                                    grows by doubling when full (bounds are the caller's business)
 */
export class RingQueue<T> {
  #items: (T | undefined)[];
  #head = 0; // absolute index of the first item
  #tail = 0; // absolute index one past the last item

  constructor(initialCapacity = 16) {
    let capacity = 4;
    while (capacity < initialCapacity) capacity *= 2;
    this.#items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.#tail - this.#head;
  }

  /** Absolute position the next pushed item will get. */
  get nextPosition(): number {
    return this.#tail;
  }

  /** Absolute position of the first item. */
  get headPosition(): number {
    return this.#head;
  }

  push(item: T): number {
    if (this.length === this.#items.length) this.#grow();
    const position = this.#tail;
    this.#items[position & (this.#items.length - 1)] = item;
    this.#tail += 1;
    return position;
  }

  peek(): T | undefined {
    return this.#head === this.#tail ? undefined : this.#items[this.#head & (this.#items.length - 1)];
  }

  shift(): T | undefined {
    if (this.#head === this.#tail) return undefined;
    const slot = this.#head & (this.#items.length - 1);
    const item = this.#items[slot];
    this.#items[slot] = undefined;
    this.#head += 1;
    return item;
  }

  /** Item at an absolute position, if it is still queued. */
  at(position: number): T | undefined {
    if (position < this.#head || position >= this.#tail) return undefined;
    return this.#items[position & (this.#items.length - 1)];
  }

  /** Replaces the item at an absolute position that is still queued. */
  replace(position: number, item: T): void {
    if (position < this.#head || position >= this.#tail) throw new RangeError(`position ${position} not queued`);
    this.#items[position & (this.#items.length - 1)] = item;
  }

  /** Empties the queue, returning what it held in order. */
  drain(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) out.push(item);
    return out;
  }

  #grow(): void {
    const old = this.#items;
    const next = new Array<T | undefined>(old.length * 2);
    for (let position = this.#head; position < this.#tail; position += 1) {
      next[position & (next.length - 1)] = old[position & (old.length - 1)];
    }
    this.#items = next;
  }
}
