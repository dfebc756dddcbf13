/**
 * One direction of traffic between two threads: what is posted is collected into one flat array and
 * sent as one `postMessage` per microtask (or every `maxBatch` values). That is what makes crossing
 * threads cheap: one `postMessage` per small message measured 543k/s here, batches of 100–1000
 * 1.6M/s (design/runtime.md §3.2); and a flat array of fields costs the structured clone far less
 * than an array per message. Order is kept: a MessagePort delivers in order, and a batch is a list.
 *
 * A batch holds records one after another:
 *   'm', to, type, payload, sender, correlationId, enqueuedAt, mode   a message (remote-router.ts)
 *   'j', to, type, json, sender, correlationId, enqueuedAt, mode      a message whose payload is JSON text
 *   'c', item                                                         a control item (thread-protocol.ts)
 *
 * JSON, for actors whose messages are plain data (spawn option `wire: 'json'`): a string crosses as
 * one copy, and V8 writes and reads JSON faster than its structured-clone format for many small
 * objects; the objects JSON.parse makes also get ordinary fast shapes. Measured on the calc snapshot
 * (100,000 endpoints over two workers): 6.1 s with clones, 5.0 s with JSON.
 */
import type { MessagePort } from 'node:worker_threads';

/** A control item: its first element says what it is (thread-protocol.ts). */
export type LinkItem = readonly unknown[];

export interface LinkPort {
  postMessage(value: unknown): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
  unref?(): void;
  close?(): void;
}

/** What a receiver does with a batch's records. */
export interface BatchReader {
  message(to: string, type: string, payload: unknown, sender: string | undefined, correlationId: string | undefined, enqueuedAt: number, mode: string): void;
  control(item: LinkItem): void;
}

export function readBatch(batch: readonly unknown[], reader: BatchReader): void {
  let index = 0;
  while (index < batch.length) {
    const kind = batch[index];
    if (kind === 'm' || kind === 'j') {
      const payload = kind === 'm' ? batch[index + 3] : JSON.parse(batch[index + 3] as string) as unknown;
      reader.message(batch[index + 1] as string, batch[index + 2] as string, payload, batch[index + 4] as string | undefined,
        batch[index + 5] as string | undefined, batch[index + 6] as number, batch[index + 7] as string);
      index += 8;
    } else {
      reader.control(batch[index + 1] as LinkItem);
      index += 2;
    }
  }
}

export class ThreadLink {
  readonly #port: LinkPort;
  readonly #maxBatch: number;
  #batch: unknown[] = [];
  #queued = false;
  posted = 0;
  batches = 0;

  constructor(port: LinkPort | MessagePort, onBatch: (batch: readonly unknown[]) => void, maxBatch = 32_768) {
    this.#port = port as LinkPort;
    this.#maxBatch = maxBatch;
    this.#port.on('message', (value) => onBatch(value as unknown[]));
  }

  /** `json`: the payload is JSON text (written by the sender's router, remote-router.ts), parsed on arrival. */
  message(to: string, type: string, payload: unknown, sender: string | undefined, correlationId: string | undefined, enqueuedAt: number, mode: string, json = false): void {
    this.#batch.push(json ? 'j' : 'm', to, type, payload, sender, correlationId, enqueuedAt, mode);
    this.#posted();
  }

  control(item: LinkItem): void {
    this.#batch.push('c', item);
    this.#posted();
  }

  /** Records taken from another batch (held while this link was down), as they are. */
  records(records: readonly unknown[]): void {
    for (const value of records) this.#batch.push(value);
    this.#posted();
  }

  #posted(): void {
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
