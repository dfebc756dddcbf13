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
import { MailboxFullError } from './errors.js';

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

/**
 * A send from actor `from` into `target`, a cell on the same thread, as every host routes it: a full
 * `block` mailbox parks the sender (it takes no new message until this one is in; `wake` reschedules
 * it: one function per host, so the hot path allocates nothing), a full `fail` mailbox gives the error
 * the sender crashes with.
 */
export function offerFrom(from: ActorCell, target: ActorCell, envelope: Envelope, wake: (sender: ActorCell) => void): Error | undefined {
  const outcome = target.offer(envelope);
  if (outcome === 'refused') return undefined;
  if (outcome.kind === 'waiting') {
    from.parked += 1;
    outcome.waiter.release = () => {
      from.parked -= 1;
      if (from.parked === 0) wake(from);
    };
  } else if (outcome.kind === 'rejected') {
    return new MailboxFullError(target.path, target.mailbox.capacity);
  } else {
    from.noteTargetDepth(target.mailbox.depth);
  }
  return undefined;
}
