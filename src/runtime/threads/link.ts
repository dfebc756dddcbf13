/**
 * One direction of traffic between two threads: items are collected and posted as one array per
 * microtask (or every `maxBatch` items), which is what makes crossing threads cheap: one
 * `postMessage` per small message measured 543k/s here, batches of 100–1000 1.6M/s (design/runtime.md
 * §3.2). Order is kept: a MessagePort delivers in order, and a batch is a list.
 */
import type { MessagePort } from 'node:worker_threads';

/** What a thread posts to another; the first element says what the rest is (see thread-protocol.ts). */
export type LinkItem = readonly unknown[];

export interface LinkPort {
  postMessage(value: unknown): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
  unref?(): void;
  close?(): void;
}

export class ThreadLink {
  readonly #port: LinkPort;
  readonly #maxBatch: number;
  #batch: LinkItem[] = [];
  #queued = false;
  posted = 0;
  batches = 0;

  constructor(port: LinkPort | MessagePort, onBatch: (items: readonly LinkItem[]) => void, maxBatch = 4096) {
    this.#port = port as LinkPort;
    this.#maxBatch = maxBatch;
    this.#port.on('message', (value) => onBatch(value as LinkItem[]));
  }

  post(item: LinkItem): void {
    this.#batch.push(item);
    this.posted += 1;
    if (this.#batch.length >= this.#maxBatch) {
      this.flush();
      return;
    }
    if (!this.#queued) {
      this.#queued = true;
      queueMicrotask(this.#flushQueued);
    }
  }

  readonly #flushQueued = (): void => {
    this.#queued = false;
    this.flush();
  };

  flush(): void {
    if (this.#batch.length === 0) return;
    const batch = this.#batch;
    this.#batch = [];
    this.batches += 1;
    this.#port.postMessage(batch);
  }

  /** Lets the thread exit while the port is open (the port is closed by whoever ends the thread). */
  unref(): void {
    this.#port.unref?.();
  }

  close(): void {
    this.flush();
    this.#port.close?.();
  }
}
