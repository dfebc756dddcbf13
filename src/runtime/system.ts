/**
 * The actor system: a flat registry of cells by path (xstate's `spawnChild` slows down as a parent
 * grows, design/runtime.md §1.7, so every actor is its own xstate root), routing, `ask`, supervision
 * wiring and shutdown. The supervision tree lives in the paths: `/calc/member-calc` is supervised by
 * `/calc`, which is supervised by the root `/`.
 */
import { randomInt } from 'node:crypto';
import type { AnyActorLogic, EventFromLogic, InputFrom } from 'xstate';
import { ActorCell } from './actor-cell.js';
import { ActorDurability } from './persistence/durable.js';
import type { DurableOptions } from './persistence/durable.js';
import type { CellSpec } from './actor-cell.js';
import { ActorRef } from './actor-ref.js';
import type { MessageOf, Reply, RefRouter, SendResult } from './actor-ref.js';
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
import { describeCell } from './stats.js';
import type { ActorStats } from './stats.js';

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
  readonly #cells = new Map<string, ActorCell>();
  readonly #asks = new Map<string, PendingAsk>();
  readonly #supervision: SupervisionExecutor;
  #askCounter = 0;

  constructor(options: SystemOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? createRandom(options.seed ?? randomInt(0, 2 ** 31));
    this.scheduler = options.scheduler ?? new RealTimeScheduler(this.clock);
    this.deadLetters = new DeadLetterLog(options.deadLetterCapacity);
    this.faults = new Faults((path) => this.#cell(path));
    this.#supervision = new SupervisionExecutor(this, this.#cells, options.onFatal ?? defaultOnFatal);
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
    const envelope = this.#envelope(message.type, message.payload, sender, correlationId, this.clock.now());
    const cell = this.#cells.get(path);
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

  /** Stops everything, children before parents, each in reverse start order. */
  shutdown(): Promise<void> {
    return this.#supervision.shutdown(this.#cells.get(ROOT_PATH)!);
  }

  has(path: string): boolean {
    return this.#cells.has(path);
  }

  stats(path: string): ActorStats {
    return describeCell(this.#cell(path));
  }

  /** The actor's persisted xstate snapshot (plain data), or undefined while it is not running. */
  snapshot(path: string): unknown {
    return this.#cell(path).actor?.getPersistedSnapshot();
  }

  /** Every actor, in path order. */
  actors(): ActorStats[] {
    return [...this.#cells.keys()].sort().map((path) => describeCell(this.#cells.get(path)!));
  }

  // ---- CellHost -----------------------------------------------------------------------------------

  schedule(cell: ActorCell): void {
    this.scheduler.schedule(cell);
  }

  route(from: ActorCell, to: string, type: string, payload: unknown, correlationId: string | undefined): Error | undefined {
    // Stamped with the sender's step time: one clock read per message, not one per send.
    const envelope = this.#envelope(type, payload, from.path, correlationId, from.stepStartedAt);
    const target = this.#cells.get(to);
    if (target === undefined) {
      this.#deliverElsewhere(to, envelope);
      return undefined;
    }
    const outcome = target.offer(envelope);
    if (outcome === 'refused') return undefined;
    if (outcome.kind === 'waiting') {
      // Backpressure on an actor sender: it takes no new message until this one is in.
      from.parked += 1;
      outcome.waiter.release = () => {
        from.parked -= 1;
        if (from.parked === 0) this.scheduler.schedule(from);
      };
    } else if (outcome.kind === 'rejected') {
      return new MailboxFullError(to, target.mailbox.capacity);
    }
    return undefined;
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

  #cell(path: string): ActorCell {
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
  ): ActorCell {
    if (path.startsWith(ASK_PREFIX.slice(0, -1))) throw new InvalidPathError(path, 'paths under /_ask are reserved for ask replies');
    validatePath(path);
    if (this.#cells.has(path)) throw new DuplicatePathError(path);
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
      ...(options.durable === undefined ? {} : { durable: new ActorDurability(path, options.durable) }),
    };
    const cell = new ActorCell(spec, this);
    this.#cells.set(path, cell);
    if (this.events.wants('actor.spawned')) {
      this.events.publish({ type: 'actor.spawned', at: this.clock.now(), path, parent, kind });
    }
    return cell;
  }
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

