/**
 * Fault injection, as scenario verbs: crash a named actor on its next (or every) message, slow an actor down
 * (each message then costs `ms` on the clock), make a mailbox behave as full. Works on both clocks;
 * under simulation the effects replay exactly with the seed.
 */
import type { ActorCell } from './actor-cell.js';

export class Faults {
  readonly #lookup: (path: string) => ActorCell;

  constructor(lookup: (path: string) => ActorCell) {
    this.#lookup = lookup;
  }

  /** The actor throws `InjectedFaultError` instead of handling its next message. */
  crashNext(path: string): void {
    this.#lookup(path).crashNext = true;
  }

  /** The actor throws `InjectedFaultError` on every message until `clear`. */
  crashAlways(path: string): void {
    this.#lookup(path).crashAlways = true;
  }

  /** After each message the actor pauses for `ms` on the clock (0 removes the delay). */
  delay(path: string, ms: number): void {
    this.#lookup(path).delayMs = Math.max(0, ms);
  }

  /** The mailbox acts as full at its current depth until `clear`: the overflow policy applies. */
  fillMailbox(path: string): void {
    this.#lookup(path).mailbox.fill();
  }

  /** Removes every fault on `path`. */
  clear(path: string): void {
    const cell = this.#lookup(path);
    cell.crashNext = false;
    cell.crashAlways = false;
    cell.delayMs = 0;
    cell.mailbox.clearFill();
  }
}
