/**
 * What an actor cell needs from the system that hosts it. Keeping it an interface lets the cell be
 * tested alone and lets a worker thread host cells behind the same contract later.
 */
import type { Clock } from './clock.js';
import type { DeadLetterReason, EventBus, StopReason } from './events.js';
import type { ErrorSummary } from './errors.js';
import type { Envelope } from './message.js';
import type { FailureOrigin, SupervisorCommand } from './supervision/supervisor-logic.js';
import type { ExitReason } from './supervision/restart-policy.js';
import type { ActorCell } from './actor-cell.js';

export interface CellHost {
  readonly clock: Clock;
  readonly events: EventBus;
  /** The cell has work (or may have): put it on the run queue if it is not there yet. */
  schedule(cell: ActorCell): void;
  /**
   * Routes a send made by `from` while handling a message; `from.stepStartedAt` stamps it. Returns the error the sender
   * gets when a `fail` mailbox rejects it (the sender then crashes; its supervisor decides).
   */
  route(from: ActorCell, to: string, type: string, payload: unknown, correlationId: string | undefined): Error | undefined;
  /** Carries out a command emitted by a supervisor's logic. */
  executeSupervisorCommand(supervisor: ActorCell, command: SupervisorCommand): void;
  /** The cell's actor ended (crash, normal exit, finished stop): tell its supervisor. */
  notifyExit(cell: ActorCell, reason: ExitReason, origin: FailureOrigin | undefined): void;
  deadLetter(path: string, envelope: Envelope, reason: DeadLetterReason, error: ErrorSummary | undefined, crashCount: number): void;
  stopped(cell: ActorCell, reason: StopReason): void;
}
