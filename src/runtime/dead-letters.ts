/**
 * Dead letters: messages the runtime could not deliver or that kept crashing their actor. Each record
 * keeps the message, the actor, the error and how often it crashed, so nothing is lost silently. The log
 * keeps the most recent `capacity` records and counts all of them.
 */
import type { DeadLetterReason } from './events.js';
import type { ErrorSummary } from './errors.js';
import type { Envelope } from './message.js';
import { RingQueue } from './ring-queue.js';

export interface DeadLetter {
  readonly at: number;
  readonly path: string;
  readonly reason: DeadLetterReason;
  readonly envelope: Envelope;
  readonly error: ErrorSummary | undefined;
  readonly crashCount: number;
}

export class DeadLetterLog {
  readonly #records: RingQueue<DeadLetter>;
  #total = 0;

  constructor(readonly capacity = 1000) {
    this.#records = new RingQueue<DeadLetter>(Math.min(capacity, 1024));
  }

  get total(): number {
    return this.#total;
  }

  add(record: DeadLetter): void {
    this.#total += 1;
    if (this.#records.length >= this.capacity) this.#records.shift();
    this.#records.push(record);
  }

  /** The retained records, oldest first. */
  list(): DeadLetter[] {
    const out: DeadLetter[] = [];
    for (let position = this.#records.headPosition; position < this.#records.nextPosition; position += 1) {
      out.push(this.#records.at(position)!);
    }
    return out;
  }
}
