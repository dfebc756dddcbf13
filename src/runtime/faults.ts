/**
 * Fault injection, as scenario verbs: crash a named actor on its next (or every) message, slow an actor down
 * (each message then costs `ms` on the clock), make a mailbox behave as full. Works on both clocks;
 * under simulation the effects replay exactly with the seed.
 */
import type { ActorCell } from './actor-cell.js';
import { RemoteCell } from './threads/remote-cell.js';
import type { FaultCommand } from './threads/thread-protocol.js';
import type { ThreadName } from './threads/placement.js';

export class Faults {
  readonly #lookup: (path: string) => ActorCell | RemoteCell;
  readonly #killThread: (thread: ThreadName) => void;

  constructor(lookup: (path: string) => ActorCell | RemoteCell, killThread: (thread: ThreadName) => void) {
    this.#lookup = lookup;
    this.#killThread = killThread;
  }

  /** A worker thread dies at once, with every actor on it (their supervisors restart them on a new one). */
  killThread(thread: ThreadName): void {
    this.#killThread(thread);
  }

  /** The local cell, or, for an actor on a worker, the fault sent to its thread (applied in order with main's other calls). */
  #local(path: string, fault: FaultCommand): ActorCell | undefined {
    const cell = this.#lookup(path);
    if (!(cell instanceof RemoteCell)) return cell;
    cell.fault(fault);
    return undefined;
  }

  /** The actor throws `InjectedFaultError` instead of handling its next message. */
  crashNext(path: string): void {
    const cell = this.#local(path, { kind: 'crash-next' });
    if (cell !== undefined) cell.crashNext = true;
  }

  /** The actor throws `InjectedFaultError` on every message until `clear`. */
  crashAlways(path: string): void {
    const cell = this.#local(path, { kind: 'crash-always' });
    if (cell !== undefined) cell.crashAlways = true;
  }

  /** After each message the actor pauses for `ms` on the clock (0 removes the delay). */
  delay(path: string, ms: number): void {
    const cell = this.#local(path, { kind: 'delay', ms });
    if (cell !== undefined) cell.delayMs = Math.max(0, ms);
  }

  /** The mailbox acts as full at its current depth until `clear`: the overflow policy applies. */
  fillMailbox(path: string): void {
    this.#local(path, { kind: 'fill' })?.mailbox.fill();
  }

  /** Removes every fault on `path`. */
  clear(path: string): void {
    const cell = this.#local(path, { kind: 'clear' });
    if (cell === undefined) return;
    cell.crashNext = false;
    cell.crashAlways = false;
    cell.delayMs = 0;
    cell.mailbox.clearFill();
  }
}
