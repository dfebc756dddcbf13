/**
 * Per-actor figures as plain data: what the inspection endpoint, `troupe inspect` and tests read.
 * The accounting identity every actor keeps:
 *   received = processed + deadLettered + dropped + coalesced + rejected + depth + waiting
 */
import type { ActorCell } from './actor-cell.js';
import type { CellStatus } from './cell-spec.js';
import type { ErrorSummary } from './errors.js';
import type { ActorKind } from './events.js';
import type { HistogramSummary } from './histogram.js';
import type { MailboxStats } from './mailbox.js';
import type { ThreadName } from './threads/placement.js';

export interface ActorStats {
  readonly path: string;
  readonly kind: ActorKind;
  readonly supervisor: string | undefined;
  readonly status: CellStatus;
  readonly state: unknown;
  readonly mailbox: MailboxStats;
  readonly restarts: number;
  readonly crashes: number;
  readonly lastError: ErrorSummary | undefined;
  readonly systemMessages: number;
  readonly processingTime: HistogramSummary;
  readonly children: readonly string[];
  /** The thread it runs on, in a multi-threaded system (threads/placement.ts). */
  readonly thread?: ThreadName;
}

export function describeCell(cell: ActorCell): ActorStats {
  return {
    path: cell.path,
    kind: cell.spec.kind,
    supervisor: cell.spec.parent,
    status: cell.status,
    state: cell.stateValue(),
    mailbox: cell.mailbox.stats(),
    restarts: cell.restarts,
    crashes: cell.crashes,
    lastError: cell.lastError,
    systemMessages: cell.systemProcessed,
    processingTime: cell.histogram.summary(),
    children: [...cell.children],
  };
}

/** The difference `received − (everything accounted for)`; zero when nothing was lost. */
export function unaccounted(stats: MailboxStats): number {
  return stats.received - (stats.processed + stats.deadLettered + stats.dropped + stats.coalesced + stats.rejected + stats.depth + stats.waiting);
}
