/**
 * What one actor step sent, as flat quadruples (to, type, payload, correlationId), in an array reused
 * from step to step. A plain array emptied with `length = 0` costs a call into V8's runtime on every
 * message (`length` is an accessor); this one keeps its length in a field, and `clear` overwrites just
 * the used slots, so reusing the array keeps none of last step's payloads alive.
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
