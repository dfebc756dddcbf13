/**
 * What a cell is made from (the system builds it at spawn; a worker rebuilds it from a spawn call) and
 * the statuses a cell goes through.
 */
import type { AnyActorLogic } from 'xstate';
import type { ActorKind } from './events.js';
import type { MailboxOptions } from './mailbox.js';
import type { ActorDurability } from './persistence/durable.js';
import type { ChildKind } from './supervision/restart-policy.js';

/**
 * How messages from other threads reach an actor: `clone` (structured clone: any cloneable data, the
 * default) or `json` (JSON text: plain data only — undefined fields vanish, undefined in an array
 * becomes null — but for large batches of plain objects about twice as cheap to send and to take in,
 * and the objects it makes are faster to work on; threads/link.ts).
 */
export type WireFormat = 'clone' | 'json';

export type CellStatus = 'running' | 'restarting' | 'stopping' | 'stopped' | 'failed';

export interface CellSpec {
  readonly path: string;
  readonly parent: string | undefined;
  readonly kind: ActorKind;
  readonly childKind: ChildKind;
  readonly logic: AnyActorLogic;
  /** Input for the logic; a function is called at every (re)start. */
  readonly input: unknown;
  readonly mailbox: MailboxOptions;
  readonly shutdownGraceMs: number;
  /** A message that crashes the actor this many times is dead-lettered. */
  readonly maxMessageCrashes: number;
  /** How messages from other threads reach it (only matters when it or its senders are on a worker). */
  readonly wire: WireFormat;
  /** Set for a durable actor: its state is saved after every step and restored at every start. */
  readonly durable?: ActorDurability;
}
