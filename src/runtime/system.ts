/**
 * The actor system: a flat registry of cells by path (xstate's `spawnChild` slows down as a parent
 * grows, design/runtime.md §1.7, so every actor is its own xstate root), routing, `ask`, supervision
 * wiring and shutdown. The supervision tree lives in the paths: `/calc/member-calc` is supervised by
 * `/calc`, which is supervised by the root `/`.
 *
 * Placement (threads/): with a placement that names workers, actors placed on `worker:N` run on that
 * worker thread; main keeps a stand-in for each (threads/remote-cell.ts), so supervision, paths, `send`,
 * `ask` and the figures work the same whichever thread an actor is on. Under a simulated scheduler
 * everything stays on main (one thread is what makes a run deterministic): `threads` says so.
 */
import { randomInt } from 'node:crypto';
import type { AnyActorLogic, EventFromLogic, InputFrom } from 'xstate';
import { ActorCell } from './actor-cell.js';
import { ActorDurability } from './persistence/durable.js';
import type { DurableOptions } from './persistence/durable.js';
import type { CellSpec, WireFormat } from './cell-spec.js';
import { ActorRef } from './actor-ref.js';
import type { MessageOf, Reply, RefRouter, SendResult } from './actor-ref.js';
import { offerFrom } from './cell-host.js';
import type { CellHost } from './cell-host.js';
import { realClock } from './clock.js';
import type { Clock } from './clock.js';
import { DeadLetterLog } from './dead-letters.js';
import { AskTimeoutError, DuplicatePathError, InvalidPathError, MailboxFullError, ActorNotFoundError } from './errors.js';
import type { ErrorSummary } from './errors.js';
import { EventBus } from './events.js';
import type { DeadLetterReason, StopReason } from './events.js';
import { DEFAULT_MAILBOX } from './mailbox.js';
import type { MailboxOptions } from './mailbox.js';
import type { Envelope, Message } from './message.js';
import { ROOT_PATH, parentOf, validatePath } from './paths.js';
import { createRandom } from './random.js';
import type { Random } from './random.js';
import { RealTimeScheduler } from './scheduler.js';
import type { Scheduler } from './scheduler.js';
import { SupervisionExecutor } from './supervision/executor.js';
import type { SystemFailure } from './supervision/executor.js';
import { DEFAULT_SUPERVISOR_OPTIONS } from './supervision/restart-policy.js';
import type { ChildKind, ExitReason, SupervisorOptions } from './supervision/restart-policy.js';
import { supervisorLogic } from './supervision/supervisor-logic.js';
import type { FailureOrigin, SupervisorCommand } from './supervision/supervisor-logic.js';
import { Faults } from './faults.js';
import { Histogram } from './histogram.js';
import { describeCell } from './stats.js';
import type { ActorStats } from './stats.js';
import { MainThreads } from './threads/main-threads.js';
import { Placement, PlacementError } from './threads/placement.js';
import type { PlacementConfig, ThreadName } from './threads/placement.js';
import { RemoteCell } from './threads/remote-cell.js';

export type { SystemFailure } from './supervision/executor.js';

export interface SpawnOptions<TInput = unknown> {
  readonly input?: TInput;
  readonly mailbox?: Partial<MailboxOptions>;
  /** As a child of its supervisor: permanent (default), transient or temporary. */
  readonly kind?: ChildKind;
  /** Graceful stop drains the mailbox for at most this long. Default 5000 ms. */
  readonly shutdownGraceMs?: number;
  /** Dead-letter a message after it crashed the actor this many times. Default 3. */
  readonly maxMessageCrashes?: number;
  /** Makes the actor durable: saved to the store after every step, restored at every start (persistence/durable.ts). */
  readonly durable?: DurableOptions;
  /** How messages from other threads reach it: `clone` (default) or `json` for plain data (cell-spec.ts). */
  readonly wire?: WireFormat;
}

export interface SupervisorSpawnOptions extends Partial<Omit<SupervisorOptions, 'intensity' | 'backoff'>> {
  readonly intensity?: Partial<SupervisorOptions['intensity']>;
  readonly backoff?: Partial<SupervisorOptions['backoff']>;
  readonly kind?: ChildKind;
}

export interface SystemOptions {
  readonly clock?: Clock;
  readonly scheduler?: Scheduler;
  readonly random?: Random;
  /** Seed for the system's PRNG (restart jitter); random when absent. */
  readonly seed?: number;
  readonly root?: SupervisorSpawnOptions;
  readonly deadLetterCapacity?: number;
  /** Called once when the root supervisor gives up. Default: log one line to stderr and exit(1). */
  readonly onFatal?: (failure: SystemFailure) => void;
  /** Which thread each actor runs on (threads/placement.ts). Default: everything on main. */
  readonly placement?: Placement | PlacementConfig;
}



const ASK_PREFIX = '/_ask/';

interface PendingAsk {
  readonly resolve: (reply: Envelope) => void;
  readonly timer: ReturnType<Clock['setTimeout']>;
}

export class ActorSystem implements CellHost, RefRouter {
  readonly clock: Clock;
  readonly events = new EventBus();
  readonly deadLetters: DeadLetterLog;
  readonly random: Random;
  readonly scheduler: Scheduler;
  readonly faults: Faults;
  /** Local cells and stand-ins for actors on workers (the executor drives both alike). */
  readonly #cells = new Map<string, ActorCell | RemoteCell>();
  readonly #asks = new Map<string, PendingAsk>();
  readonly #supervision: SupervisionExecutor;
  readonly #threads: MainThreads | undefined;
  /** Why this system runs on one thread although its placement names workers (simulation), if it does. */
  readonly threadsNote: string | undefined;
  #askCounter = 0;
  /** Reschedules a sender parked on a full mailbox (one function, so routing allocates none). */
  readonly #wake = (cell: ActorCell): void => this.scheduler.schedule(cell);

  constructor(options: SystemOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? createRandom(options.seed ?? randomInt(0, 2 ** 31));
    this.scheduler = options.scheduler ?? new RealTimeScheduler(this.clock);
    this.deadLetters = new DeadLetterLog(options.deadLetterCapacity);
    this.faults = new Faults((path) => this.#cell(path), (thread) => {
      if (this.#threads === undefined) throw new PlacementError(`cannot kill ${thread}: this system runs on one thread`);
      this.#threads.kill(thread);
    });
    this.#supervision = new SupervisionExecutor(this, this.#cells, options.onFatal ?? defaultOnFatal);
    const placement = options.placement instanceof Placement ? options.placement : new Placement(options.placement);
    if (placement.multiThreaded && this.scheduler.mode === 'simulated') {
      this.threadsNote = `simulation keeps every actor on main (one thread is what makes a run deterministic); the placement's ${placement.workers} worker${placement.workers === 1 ? '' : 's'} are not started`;
    } else if (placement.multiThreaded) {
      this.#threads = new MainThreads(placement, this, {
        cells: this.#cells,
        events: this.events,
        clock: this.clock,
        deliverElsewhere: (path, envelope) => this.#deliverElsewhere(path, envelope),
        deadLetter: (path, envelope, reason, error, crashCount) => this.deadLetter(path, envelope, reason, error, crashCount),
        exited: (cell, reason, origin) => this.#supervision.notifyExit(cell, reason, origin),
      });
    }
    const root = this.#register(ROOT_PATH, supervisorLogic, 'supervisor', undefined, {
      input: resolveSupervisorOptions(options.root),
    });
    this.#supervision.startSubtree(root, 0);
  }

  /** Resolves when the root supervisor gives up (the system has failed). */
  get failure(): Promise<SystemFailure> {
    return this.#supervision.failure;
  }

  spawn<TLogic extends AnyActorLogic>(
    path: string,
    logic: TLogic,
    options: SpawnOptions<InputFrom<TLogic>> = {},
  ): ActorRef<MessageOf<EventFromLogic<TLogic>>> {
    const cell = this.#register(path, logic, 'actor', options.kind, options);
    this.#supervision.adopt(cell);
    return new ActorRef(path, this);
  }

  spawnSupervisor(path: string, options: SupervisorSpawnOptions = {}): ActorRef {
    const cell = this.#register(path, supervisorLogic, 'supervisor', options.kind, { input: resolveSupervisorOptions(options) });
    this.#supervision.adopt(cell);
    return new ActorRef(path, this);
  }

  ref<TMessage extends Message = Message>(path: string): ActorRef<TMessage> {
    validatePath(path);
    return new ActorRef<TMessage>(path, this);
  }

  /** Sends from outside any actor. See `ActorRef.send`. */
  send(to: string | ActorRef, message: Message): SendResult {
    return this.sendTo(typeof to === 'string' ? to : to.path, message, undefined, undefined);
  }

  sendTo(path: string, message: Message, sender: string | undefined, correlationId: string | undefined): SendResult {
    const enqueuedAt = this.clock.now();
    const cell = this.#cells.get(path);
    if (cell?.remote === true) {
      const crossing = this.#threads!.send(path, message.type, message.payload, sender, correlationId, enqueuedAt);
      if (crossing instanceof Error) throw crossing;
      return crossing;
    }
    const envelope = this.#envelope(message.type, message.payload, sender, correlationId, enqueuedAt);
    if (cell === undefined) {
      this.#deliverElsewhere(path, envelope);
      return;
    }
    const outcome = cell.offer(envelope);
    if (outcome === 'refused') return;
    switch (outcome.kind) {
      case 'waiting':
        return new Promise<void>((resolve) => { outcome.waiter.release = resolve; });
      case 'rejected':
        throw new MailboxFullError(path, cell.mailbox.capacity);
      default:
        return;
    }
  }

  /** Request/reply: resolves with the reply, rejects with `AskTimeoutError` after `timeoutMs` on the clock. */
  ask<TReply extends Message = Message>(to: string | ActorRef, message: Message, timeoutMs: number): Promise<Reply<TReply>> {
    const path = typeof to === 'string' ? to : to.path;
    this.#askCounter += 1;
    const replyTo = `${ASK_PREFIX}${this.#askCounter}`;
    return new Promise<Reply<TReply>>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.#asks.delete(replyTo);
        reject(new AskTimeoutError(path, message.type, timeoutMs));
      }, timeoutMs);
      this.#asks.set(replyTo, { resolve: resolve as (reply: Envelope) => void, timer });
      try {
        void this.sendTo(path, message, replyTo, `ask-${this.#askCounter}`);
      } catch (error) {
        this.clock.clearTimeout(timer);
        this.#asks.delete(replyTo);
        reject(error);
      }
    });
  }

  /** Stops one actor (or a supervisor with its subtree) gracefully and removes it. */
  stop(path: string): Promise<void> {
    const cell = this.#cell(path);
    if (cell.spec.parent === undefined) return this.shutdown();
    return this.#supervision.stopChild(cell);
  }

  /** Stops everything, children before parents, each in reverse start order; then the worker threads. */
  async shutdown(): Promise<void> {
    await this.#supervision.shutdown(this.#cells.get(ROOT_PATH) as ActorCell);
    await this.#threads?.close();
  }

  /** The thread `path` runs on (`main` unless a placement with workers put it elsewhere). */
  threadOf(path: string): ThreadName {
    return this.#threads?.placement.threadOf(path) ?? 'main';
  }

  /** The worker threads' ids, by thread name (empty on one thread). */
  workerThreads(): Map<ThreadName, number> {
    return this.#threads?.workerThreads() ?? new Map();
  }

  /** How full an actor's mailbox is as every thread counts it (queued plus on their way); undefined on one thread. */
  occupancyOf(path: string): number | undefined {
    return this.#threads?.occupancyOf(path);
  }

  /** Messages the sender side holds until the receiving actor on another thread has room. */
  waitingAcrossThreads(): number {
    return this.#threads?.waiting() ?? 0;
  }

  /** Like `actors()`, with every worker's actors' figures fetched from their threads first. */
  async actorsEverywhere(): Promise<ActorStats[]> {
    if (this.#threads !== undefined) {
      for (const stats of await this.#threads.stats()) {
        const cell = this.#cells.get(stats.path);
        if (cell instanceof RemoteCell) cell.stats = stats;
      }
    }
    return this.actors();
  }

  /** Like `snapshot`, for an actor on any thread. */
  async snapshotEverywhere(path: string): Promise<unknown> {
    const cell = this.#cell(path);
    return cell instanceof RemoteCell ? await this.#threads!.snapshot(cell) : cell.actor?.getPersistedSnapshot();
  }

  has(path: string): boolean {
    return this.#cells.has(path);
  }

  /** An actor's figures; for one on a worker, the last its thread reported (see `actorsEverywhere`). */
  stats(path: string): ActorStats {
    return describe(this.#cell(path));
  }

  /** The actor's persisted xstate snapshot (plain data), or undefined while it is not running (main only: see `snapshotEverywhere`). */
  snapshot(path: string): unknown {
    const cell = this.#cell(path);
    if (cell instanceof RemoteCell) throw new PlacementError(`${path} runs on ${cell.thread}: use snapshotEverywhere`);
    return cell.actor?.getPersistedSnapshot();
  }

  /** Every actor, in path order. */
  actors(): ActorStats[] {
    return [...this.#cells.keys()].sort().map((path) => describe(this.#cells.get(path)!));
  }

  // ---- CellHost -----------------------------------------------------------------------------------

  schedule(cell: ActorCell): void {
    this.scheduler.schedule(cell);
  }

  route(from: ActorCell, to: string, type: string, payload: unknown, correlationId: string | undefined): Error | undefined {
    // Stamped with the sender's step time: one clock read per message, not one per send.
    const target = this.#cells.get(to);
    if (target?.remote === true) return this.#threads!.route(from, to, type, payload, correlationId);
    const envelope = this.#envelope(type, payload, from.path, correlationId, from.stepStartedAt);
    if (target === undefined) {
      this.#deliverElsewhere(to, envelope);
      return undefined;
    }
    return offerFrom(from, target, envelope, this.#wake);
  }

  executeSupervisorCommand(supervisor: ActorCell, command: SupervisorCommand): void {
    this.#supervision.execute(supervisor, command);
  }

  notifyExit(cell: ActorCell, reason: ExitReason, origin: FailureOrigin | undefined): void {
    this.#supervision.notifyExit(cell, reason, origin);
  }

  deadLetter(path: string, envelope: Envelope, reason: DeadLetterReason, error: ErrorSummary | undefined, crashCount: number): void {
    const at = this.clock.now();
    this.deadLetters.add({ at, path, reason, envelope, error, crashCount });
    if (this.events.wants('actor.dead-lettered')) {
      this.events.publish({ type: 'actor.dead-lettered', at, path, messageType: envelope.type, reason, error, crashCount });
    }
  }

  stopped(cell: ActorCell, reason: StopReason): void {
    if (this.events.wants('actor.stopped')) this.events.publish({ type: 'actor.stopped', at: this.clock.now(), path: cell.path, reason });
  }

  cellRemoved(cell: ActorCell | RemoteCell): void {
    this.#threads?.removed(cell);
  }

  // ---- internals ----------------------------------------------------------------------------------

  /** The one place envelopes are built, so every envelope has the same shape (one V8 hidden class). */
  #envelope(type: string, payload: unknown, sender: string | undefined, correlationId: string | undefined, enqueuedAt: number): Envelope {
    return { type, payload, sender, correlationId, enqueuedAt };
  }

  #deliverElsewhere(path: string, envelope: Envelope): void {
    const pending = this.#asks.get(path);
    if (pending !== undefined) {
      this.#asks.delete(path);
      this.clock.clearTimeout(pending.timer);
      pending.resolve(envelope);
      return;
    }
    this.deadLetter(path, envelope, 'no-such-actor', undefined, 0);
  }

  #cell(path: string): ActorCell | RemoteCell {
    const cell = this.#cells.get(path);
    if (cell === undefined) throw new ActorNotFoundError(path);
    return cell;
  }

  #register(
    path: string,
    logic: AnyActorLogic,
    kind: 'actor' | 'supervisor',
    childKind: ChildKind | undefined,
    options: SpawnOptions,
  ): ActorCell | RemoteCell {
    if (path.startsWith(ASK_PREFIX.slice(0, -1))) throw new InvalidPathError(path, 'paths under /_ask are reserved for ask replies');
    validatePath(path);
    if (this.#cells.has(path)) throw new DuplicatePathError(path);
    if (kind === 'supervisor') this.#threads?.placement.checkSupervisor(path);
    const parent = parentOf(path);
    if (parent !== undefined) {
      const parentCell = this.#cells.get(parent);
      if (parentCell === undefined) throw new InvalidPathError(path, `its supervisor ${parent} does not exist`);
      if (parentCell.spec.kind !== 'supervisor') throw new InvalidPathError(path, `its parent ${parent} is not a supervisor`);
    }
    const spec: CellSpec = {
      path,
      parent,
      kind,
      childKind: childKind ?? 'permanent',
      logic,
      input: options.input,
      mailbox: { ...DEFAULT_MAILBOX, ...options.mailbox },
      shutdownGraceMs: options.shutdownGraceMs ?? 5000,
      maxMessageCrashes: options.maxMessageCrashes ?? 3,
      wire: options.wire ?? 'clone',
      ...(options.durable === undefined ? {} : { durable: new ActorDurability(path, options.durable) }),
    };
    const cell = this.#threads === undefined || kind === 'supervisor' ? new ActorCell(spec, this) : this.#threads.placed(spec, logic);
    this.#cells.set(path, cell);
    if (this.events.wants('actor.spawned')) {
      this.events.publish({ type: 'actor.spawned', at: this.clock.now(), path, parent, kind });
    }
    return cell;
  }
}

const EMPTY_HISTOGRAM = new Histogram().summary();

/** Figures of a cell; a stand-in reports what its worker last said, with main's view of its status. */
function describe(cell: ActorCell | RemoteCell): ActorStats {
  if (cell instanceof ActorCell) return describeCell(cell);
  const reported = cell.stats;
  const mailbox = reported?.mailbox ?? { received: 0, processed: 0, deadLettered: 0, dropped: 0, coalesced: 0, rejected: 0, depth: 0, waiting: 0, highWater: 0, capacity: cell.spec.mailbox.capacity, policy: cell.spec.mailbox.policy };
  return {
    path: cell.path, kind: 'actor', supervisor: cell.spec.parent, status: cell.status, state: reported?.state, mailbox,
    restarts: cell.restarts, crashes: cell.crashes, lastError: cell.lastError, systemMessages: reported?.systemMessages ?? 0,
    processingTime: reported?.processingTime ?? EMPTY_HISTOGRAM, children: [], thread: cell.thread,
  };
}

function resolveSupervisorOptions(options: SupervisorSpawnOptions = {}): SupervisorOptions {
  return {
    strategy: options.strategy ?? DEFAULT_SUPERVISOR_OPTIONS.strategy,
    intensity: { ...DEFAULT_SUPERVISOR_OPTIONS.intensity, ...options.intensity },
    backoff: { ...DEFAULT_SUPERVISOR_OPTIONS.backoff, ...options.backoff },
  };
}

/** Erlang halts the VM when the top supervisor dies; so do we, with one line that says why. */
function defaultOnFatal(failure: SystemFailure): void {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: failure.message, actor: failure.actor, error: failure.error })}\n`);
  process.exit(1);
}

