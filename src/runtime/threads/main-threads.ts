/**
 * Main's side of a multi-threaded system (the ActorSystem holds one when its placement names
 * workers): it decides, at spawn, whether a cell runs here (its room shared with other threads) or on
 * a worker (a stand-in here, remote-cell.ts); it routes sends that cross threads; and it turns what
 * workers report — messages, exits, dead letters, events, a worker's death — into what the system and
 * its supervisors see.
 */
import type { AnyActorLogic } from 'xstate';
import { ActorCell } from '../actor-cell.js';
import type { CellSpec } from '../cell-spec.js';
import type { CellHost } from '../cell-host.js';
import type { Clock } from '../clock.js';
import type { DeadLetterReason, EventBus } from '../events.js';
import type { ErrorSummary } from '../errors.js';
import type { Envelope } from '../message.js';
import type { ActorStats } from '../stats.js';
import type { ExitReason } from '../supervision/restart-policy.js';
import type { FailureOrigin } from '../supervision/supervisor-logic.js';
import type { BatchReader } from './link.js';
import { durabilityReference, logicReference } from './logic-registry.js';
import { SharedOccupancy, SlotAllocator } from './occupancy.js';
import { PlacementError } from './placement.js';
import type { Placement, ThreadName } from './placement.js';
import { RemoteCell } from './remote-cell.js';
import { RemoteRouter, parkSender } from './remote-router.js';
import type { CrossingMode, CrossingOutcome } from './remote-router.js';
import type { WorkerNotice } from './thread-protocol.js';
import { ThreadPool } from './thread-pool.js';

/** Actors a multi-threaded system can hold (the shared occupancy counts have one slot each). */
const MAX_SHARED_ACTORS = 16_384;

/** What main's threads need from the system (besides hosting cells). */
export interface MainThreadsHost {
  readonly cells: ReadonlyMap<string, ActorCell | RemoteCell>;
  readonly events: EventBus;
  readonly clock: Clock;
  /** A message for no actor here: an ask's reply, or a dead letter. */
  deliverElsewhere(path: string, envelope: Envelope): void;
  deadLetter(path: string, envelope: Envelope, reason: DeadLetterReason, error: ErrorSummary | undefined, crashCount: number): void;
  /** Tells the cell's supervisor it exited. */
  exited(cell: RemoteCell, reason: ExitReason, origin: FailureOrigin | undefined): void;
}

/** Whether a spawn can be placed on `thread`: a module to import it from, an input that crosses. */
function checkPlaceable(spec: CellSpec, logic: AnyActorLogic, thread: ThreadName): void {
  const refuse = (why: string) => new PlacementError(`${spec.path} is placed on ${thread}, but ${why}`);
  if (logicReference(logic) === undefined) throw refuse('its logic is not placeable (see threads/logic-registry.ts)');
  if (spec.durable !== undefined) {
    if (durabilityReference(spec.durable.options) === undefined) throw refuse('its durability is not placeable (see placeableDurability in threads/logic-registry.ts)');
    if (spec.durable.options.store.share === undefined) throw refuse('its store lives in this thread\'s memory (an LMDB store can be opened on a worker)');
  }
  if (spec.mailbox.policy === 'coalesce') throw refuse('a coalesce mailbox\'s key function cannot cross threads');
  try {
    structuredClone(spec.input);
  } catch (error) {
    throw refuse(`its input cannot cross threads: ${(error as Error).message}`);
  }
}

export class MainThreads {
  readonly placement: Placement;
  #closed: Promise<void> | undefined;
  readonly #host: MainThreadsHost;
  /** Hosts the cells that run here (the system). */
  readonly #cellHost: CellHost;
  readonly #router: RemoteRouter;
  readonly #slots = new SlotAllocator(MAX_SHARED_ACTORS);
  readonly #pool: ThreadPool;

  constructor(placement: Placement, cellHost: CellHost, host: MainThreadsHost) {
    this.placement = placement;
    this.#cellHost = cellHost;
    this.#host = host;
    const reader: BatchReader = {
      message: (to, type, payload, sender, correlationId, enqueuedAt, mode) => this.#onMessage(to, { type, payload, sender, correlationId, enqueuedAt }, mode as CrossingMode),
      control: (item) => this.#onNotice(item as WorkerNotice),
    };
    this.#router = new RemoteRouter('main', placement, SharedOccupancy.create(MAX_SHARED_ACTORS), () => reader);
    this.#pool = new ThreadPool(this.#router, placement.describe(), placement.workers, (thread, code, error) => this.#workerDied(thread, code, error));
  }

  /** A new actor's cell: here with its room shared, or a stand-in for it on its worker. Announced to every worker. */
  placed(spec: CellSpec, logic: AnyActorLogic): ActorCell | RemoteCell {
    const thread = this.placement.threadOf(spec.path);
    if (thread !== 'main') checkPlaceable(spec, logic, thread);
    const slot = this.#slots.allocate();
    this.#router.occupancy.reset(slot);
    const entry = { thread, slot, capacity: spec.mailbox.capacity, policy: spec.mailbox.policy, maxWaiting: spec.mailbox.maxWaiting ?? Math.max(64, spec.mailbox.capacity), json: spec.wire === 'json' };
    this.#router.directory.set(spec.path, entry);
    for (const worker of this.#pool.threads) this.#router.post(worker, ['dir', spec.path, slot, entry.capacity, entry.policy, entry.maxWaiting, entry.json]);
    if (thread !== 'main') {
      const pool = this.#pool;
      return new RemoteCell(spec, thread, logicReference(logic)!, slot, {
        api: (worker) => pool.api(worker),
        incarnation: (worker) => pool.incarnation(worker),
        failed: () => undefined, // a call to a worker that died under it fails; the death itself is what gets reported
      });
    }
    const cell = new ActorCell(spec, this.#cellHost);
    cell.mailbox.share(this.#router.occupancy, slot);
    return cell;
  }

  /** A send from outside any actor to an actor on a worker. */
  send(to: string, type: string, payload: unknown, sender: string | undefined, correlationId: string | undefined, enqueuedAt: number): CrossingOutcome {
    return this.#router.send(to, type, payload, sender, correlationId, enqueuedAt);
  }

  /** A send from an actor here to one on a worker; a waiting send parks the sender (backpressure). */
  route(from: ActorCell, to: string, type: string, payload: unknown, correlationId: string | undefined): Error | undefined {
    const crossing = this.#router.send(to, type, payload, from.path, correlationId, from.stepStartedAt);
    if (crossing instanceof Error) return crossing;
    if (crossing !== undefined) parkSender(from, crossing, () => this.#cellHost.schedule(from));
    return undefined;
  }

  /** A cell left the tree for good: its slot and directory entry go, and its worker forgets it. */
  removed(cell: ActorCell | RemoteCell): void {
    if (cell instanceof RemoteCell) cell.dispose();
    const entry = this.#router.directory.get(cell.path);
    if (entry === undefined) return;
    this.#router.directory.delete(cell.path);
    for (const thread of this.#pool.threads) this.#router.post(thread, ['undir', cell.path]);
    this.#slots.free(entry.slot);
  }

  kill(thread: ThreadName): void {
    if (thread === 'main') throw new PlacementError('cannot kill main: only worker threads');
    this.#pool.kill(thread);
  }

  workerThreads(): Map<ThreadName, number> {
    return new Map(this.#pool.threads.map((thread) => [thread, this.#pool.threadId(thread)]));
  }

  occupancyOf(path: string): number | undefined {
    const entry = this.#router.directory.get(path);
    return entry === undefined ? undefined : this.#router.occupancy.load(entry.slot);
  }

  waiting(): number {
    return this.#router.waiting();
  }

  /** Every worker's figures for its actors, fetched now (a worker that does not answer reports nothing). */
  async stats(): Promise<ActorStats[]> {
    const reports = await Promise.all(this.#pool.threads.map((thread) => this.#pool.api(thread).stats().catch(() => [])));
    return reports.flat();
  }

  snapshot(cell: RemoteCell): Promise<unknown> {
    return this.#pool.api(cell.thread).snapshot(cell.path);
  }

  /** Ends the workers (once; a second call waits for the first). */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      // Durable actors on workers commit what they wrote before their threads end.
      await Promise.all(this.#pool.threads.map((worker) => this.#pool.api(worker).closeStores().catch(() => undefined)));
      await this.#pool.close();
    })();
    return this.#closed;
  }

  #onMessage(to: string, envelope: Envelope, mode: CrossingMode): void {
    const cell = this.#host.cells.get(to);
    if (cell instanceof ActorCell) {
      cell.admitRemote(envelope, mode);
      return;
    }
    if (mode === 'r') this.#router.releaseReservation(to);
    if (mode !== 'x') this.#host.deliverElsewhere(to, envelope);
  }

  #onNotice(notice: WorkerNotice): void {
    switch (notice[0]) {
      case 'exit': {
        const [, path, reason, origin, status, crashes, lastError] = notice;
        const cell = this.#host.cells.get(path);
        if (!(cell instanceof RemoteCell)) return;
        cell.exited(status, crashes, lastError);
        this.#host.exited(cell, reason, origin);
        return;
      }
      case 'dl': {
        const [, path, envelope, reason, error, crashCount] = notice;
        this.#host.deadLetter(path, envelope, reason, error, crashCount);
        return;
      }
      case 'evt':
        if (this.#host.events.wants(notice[1].type)) this.#host.events.publish(notice[1]);
    }
  }

  /** A worker died: each of its running actors crashed; their supervisors restart them on its replacement. */
  #workerDied(thread: ThreadName, code: number, cause: Error | undefined): void {
    const why = cause === undefined ? '' : `: ${cause.name}: ${cause.message}`;
    const error = { name: 'WorkerExitError', message: `worker thread ${thread} exited with code ${code}${why}`, code: 'TROUPE_ERR_WORKER_EXIT' };
    for (const cell of [...this.#host.cells.values()]) {
      if (!(cell instanceof RemoteCell) || cell.thread !== thread) continue;
      this.#router.occupancy.reset(cell.slot); // its queue died with the thread
      if (cell.actor === undefined) continue;
      const { reason, origin } = cell.workerDied(error);
      const { events, clock } = this.#host;
      if (events.wants('actor.crashed')) events.publish({ type: 'actor.crashed', at: clock.now(), path: cell.path, error, messageType: undefined, crashCount: 0 });
      this.#host.exited(cell, reason, origin);
    }
  }
}
