/**
 * What a cell is made from (the system builds it at spawn; a worker rebuilds it from a spawn call) and
 * the statuses a cell goes through.
 */
import type { AnyActorLogic } from 'xstate';
import type { ActorKind } from './events.js';
import type { MailboxOptions } from './mailbox.js';
import type { ActorDurability } from './persistence/durable.js';
import type { ChildKind } from './supervision/restart-policy.js';

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
  /** Set for a durable actor: its state is saved after every step and restored at every start. */
  readonly durable?: ActorDurability;
}
