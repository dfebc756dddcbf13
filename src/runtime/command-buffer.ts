/**
 * What one actor step sent, as flat quadruples (to, type, payload, correlationId), in an array reused
 * from step to step. Two things a plain array with `push` and `length = 0` costs on every message are
 * avoided: truncating an array is a call into V8's runtime (a `length` store is an accessor), and a
 * long-lived array that keeps pointing at last step's payloads keeps them alive past the young
 * generation. `clear` overwrites just the used slots instead.
 */
export class CommandBuffer {
  readonly #slots: unknown[] = [];
  /** Slots in use: four per command. */
  length = 0;

  push(to: unknown, type: unknown, payload: unknown, correlationId: unknown): void {
    const slots = this.#slots;
    const at = this.length;
    slots[at] = to;
    slots[at + 1] = type;
    slots[at + 2] = payload;
    slots[at + 3] = correlationId;
    this.length = at + 4;
  }

  slot(index: number): unknown {
    return this.#slots[index];
  }

  /** Forgets every command, dropping the references to what they carried. */
  clear(): void {
    const slots = this.#slots;
    for (let index = 0; index < this.length; index += 1) slots[index] = undefined;
    this.length = 0;
  }
}
