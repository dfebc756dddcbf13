/**
 * An actor cell: one path, one bounded mailbox, one xstate actor at a time. The cell outlives the
 * xstate actor it hosts: when the actor crashes, the supervisor starts a fresh one in the same cell and
 * the mailbox — with the message that crashed it still at the head — carries over, so nothing queued is
 * lost and a poison message can be counted and, after K crashes, dead-lettered.
 *
 *   system queue (timers, supervisor notices) ─┐
 *   mailbox (bounded, user messages) ──────────┴─> processTurn(N) ─> xstate actor.send(envelope)
 *                                                                      │ emitted commands (buffered)
 *                                 success: complete head, route sends <┘   crash: keep head, tell supervisor
 */
import assert from 'node:assert';
import { createActor } from 'xstate';
import type { Actor, AnyActorLogic, Subscription } from 'xstate';
import type { TimerId } from './clock.js';
import type { CellHost } from './cell-host.js';
import { InjectedFaultError, summarizeError } from './errors.js';
import type { ErrorSummary } from './errors.js';
import { Histogram } from './histogram.js';
import { Mailbox } from './mailbox.js';
import type { OfferOutcome } from './mailbox.js';
import { bindOutbox } from './message.js';
import type { Envelope } from './message.js';
import { RingQueue } from './ring-queue.js';
import { Outbox } from './outbox.js';
import { ActorClock } from './actor-clock.js';
import { NO_CHANGE, StateTracker } from './state-tracker.js';
import type { CellSpec, CellStatus } from './cell-spec.js';
import type { SupervisorEvent } from './supervision/supervisor-logic.js';
import type { CrossingMode } from './threads/remote-router.js';

type SystemItem =
  | { readonly kind: 'timer'; readonly generation: number; readonly fire: () => void }
  | { readonly kind: 'event'; readonly event: SupervisorEvent };

const NO_ERROR = Symbol('no-error');

/** The parts of an xstate snapshot the cell reads. */
interface ActorSnapshot {
  readonly status?: string;
  readonly error?: unknown;
}

export class ActorCell {
  readonly path: string;
  readonly spec: CellSpec;
  readonly mailbox: Mailbox;
  readonly histogram = new Histogram();
  /** Paths of supervised children in start order (supervisors only). */
  readonly children: string[] = [];
  /** Not a stand-in for an actor on another thread (threads/remote-cell.ts): a field, not `instanceof`, on the hot path. */
  readonly remote = false;
  status: CellStatus = 'restarting';
  /** True while on the run queue or running (the scheduler's bookkeeping). */
  scheduled = false;
  restarts = 0;
  crashes = 0;
  lastError: ErrorSummary | undefined;
  /** Crashes caused by the message now at the head of the mailbox. */
  headCrashes = 0;
  /** Sends of ours waiting for room in a `block` mailbox; we take no new message until they are in. */
  parked = 0;
  suspended = false;
  delayMs = 0;
  crashNext = false;
  crashAlways = false;
  removed = false;
  readonly #host: CellHost;
  readonly #systemQueue = new RingQueue<SystemItem>(4);
  /** What the current step sent, routed when it succeeds (outbox.ts). */
  readonly #outbox = new Outbox();
  /** Clock time at which the current step began; stamps the messages it sends. */
  stepStartedAt = 0;
  readonly #timers: ActorClock;
  readonly #state = new StateTracker();
  #actor: Actor<AnyActorLogic> | undefined;
  #subscription: Subscription | undefined;
  #generation = 0;
  #observedError: unknown = NO_ERROR;
  #graceTimer: TimerId | undefined;
  #suspendTimer: TimerId | undefined;
  #processedSystem = 0;
  /** The current turn's `max`, and whether a send of ours ended the turn early (`noteTargetDepth`). */
  #turnMax = 1;
  #yieldTurn = false;

  constructor(spec: CellSpec, host: CellHost) {
    this.spec = spec;
    this.path = spec.path;
    this.#host = host;
    this.mailbox = new Mailbox(spec.mailbox);
    this.#timers = new ActorClock(host.clock);
  }

  get actor(): Actor<AnyActorLogic> | undefined {
    return this.#actor;
  }

  get systemProcessed(): number {
    return this.#processedSystem;
  }

  /** Starts a fresh xstate actor in this cell. Returns false if it failed while starting. */
  start(input: unknown): boolean {
    assert(this.#actor === undefined, `cell ${this.path} started twice`);
    this.#generation += 1;
    this.status = 'running';
    this.#observedError = NO_ERROR;
    this.stepStartedAt = this.#host.clock.now();
    const generation = this.#generation;
    const clock = this.#timers.forActor((fire) => {
      this.#systemQueue.push({ kind: 'timer', generation, fire });
      this.#host.schedule(this);
    });
    // A durable actor starts from its stored state when it has a usable one.
    const options = { id: this.path, input, clock };
    const actor = this.spec.durable?.createActor(this.spec.logic, options, this.#host.clock.now(), this.#host.events) ?? createActor(this.spec.logic, options);
    this.#actor = actor;
    // An error observer keeps xstate from rethrowing a crash as an uncaught exception.
    this.#subscription = actor.subscribe({ error: (error) => { this.#observedError = error; } });
    actor.on('*', (event) => { this.#outbox.emitted(event); });
    bindOutbox(actor, (to, type, payload, correlationId) => { this.#outbox.send(to, type, payload, correlationId); });
    actor.start();
    this.#state.reset();
    this.#noteState();
    let failure = this.#failure(this.#snapshot());
    if (failure === NO_ERROR && this.spec.durable !== undefined) failure = this.spec.durable.trySave(this.#actor!, this.stepStartedAt) ?? NO_ERROR;
    if (failure !== NO_ERROR) {
      this.#crash(failure, undefined);
      return false;
    }
    this.#flushOutbox();
    this.#host.schedule(this);
    return true;
  }

  /** Accepts a message from `send`/`route`. A `waiting` outcome's waiter tells when it got in. */
  offer(envelope: Envelope): OfferOutcome | 'refused' {
    if (this.status === 'stopping' || this.status === 'stopped' || this.status === 'failed' && this.spec.kind === 'supervisor') {
      this.mailbox.countDeadOnArrival();
      this.#host.deadLetter(this.path, envelope, 'stopped', undefined, 0);
      return 'refused';
    }
    const outcome = this.mailbox.offer(envelope);
    if (outcome.kind === 'accepted' || outcome.kind === 'coalesced') {
      if (!this.scheduled) this.#host.schedule(this);
    } else {
      this.#overflow(outcome);
    }
    return outcome;
  }

  /**
   * A message from another thread (threads/remote-router.ts), admitted as it crossed: reserved (its
   * place is already counted), evicting (drop-oldest over the bound), unreserved (offered like a local
   * send; a `waiting` outcome has no sender here to hold), or only a rejection to count.
   */
  admitRemote(envelope: Envelope, mode: CrossingMode): void {
    if (mode === 'u') {
      this.offer(envelope);
      return;
    }
    const outcome = this.mailbox.admitCrossing(envelope, mode, this.status !== 'stopping' && this.status !== 'stopped');
    if (outcome === 'refused') this.#host.deadLetter(this.path, envelope, 'stopped', undefined, 0);
    else if (outcome !== undefined) this.#overflow(outcome);
    if (mode !== 'x' && outcome !== 'refused' && !this.scheduled) this.#host.schedule(this);
  }

  /** Queues a runtime-internal event (supervisor notices); processed before user messages. */
  enqueueSystem(event: SupervisorEvent): void {
    this.#systemQueue.push({ kind: 'event', event });
    this.#host.schedule(this);
  }

  hasWork(): boolean {
    if (this.#actor === undefined) return false;
    if (this.#held()) return false;
    if (this.#systemQueue.length > 0) return true;
    return this.mailbox.depth > 0 && (this.status === 'running' || this.status === 'stopping');
  }

  /**
   * A worker whose sends wait for room (parked), or that a fault slows down (suspended), handles
   * nothing — not even its own timers, or a timer-driven producer would outrun backpressure.
   * Supervisors never send user messages and must always hear about their children.
   */
  #held(): boolean {
    return this.spec.kind === 'actor' && (this.parked > 0 || this.suspended);
  }

  /**
   * A send of ours left `depth` messages queued at its target (same thread). Once that is a whole turn's
   * worth, our turn ends after the current message: the target has work enough, and what we would add
   * now would only wait (scheduler.ts, "Hand-off").
   */
  noteTargetDepth(depth: number): void {
    if (depth >= this.#turnMax) this.#yieldTurn = true;
  }

  /**
   * Processes at most `max` items (system items first), then yields; also once the clock passes
   * `deadline`, or after a message whose sends filled a target's queue with a turn's worth.
   */
  processTurn(max: number, deadline = Number.POSITIVE_INFINITY): number {
    let done = 0;
    let now = this.#host.clock.now();
    this.#turnMax = max;
    this.#yieldTurn = false;
    // Read once per turn, not per message: a listener that subscribes mid-turn hears from the next one.
    const events = this.#host.events;
    const wantsProcessed = events.wantsProcessed();
    const wantsStateChanged = events.wantsStateChanged();
    while (done < max && now < deadline && !this.#yieldTurn && this.#actor !== undefined && !this.#held()) {
      this.stepStartedAt = now;
      const item = this.#systemQueue.shift();
      if (item !== undefined) {
        this.#processSystemItem(item);
        now = this.#host.clock.now();
      } else {
        const envelope = this.mailbox.peek();
        if (envelope === undefined) break;
        now = this.#processMessage(envelope, now, wantsProcessed, wantsStateChanged);
      }
      done += 1;
    }
    this.mailbox.settle();
    const drained = this.mailbox.depth === 0 && this.#systemQueue.length === 0;
    if (this.status === 'stopping' && this.spec.kind === 'actor' && drained) this.finishStop();
    return done;
  }

  /** Handles the head message; returns the clock time at which it finished. */
  #processMessage(envelope: Envelope, startedAt: number, wantsProcessed: boolean, wantsStateChanged: boolean): number {
    const clock = this.#host.clock;
    if (this.#outbox.length > 0) this.#outbox.clear();
    let failure: unknown = NO_ERROR;
    if (this.crashNext || this.crashAlways) {
      this.crashNext = false;
      failure = new InjectedFaultError(this.path);
    } else {
      try {
        this.#actor!.send(envelope);
      } catch (error) {
        failure = error;
      }
    }
    const snapshot = this.#snapshot();
    if (failure === NO_ERROR) failure = this.#failure(snapshot);
    if (failure === NO_ERROR && this.spec.durable !== undefined) failure = this.spec.durable.trySave(this.#actor!, startedAt) ?? NO_ERROR;
    if (failure !== NO_ERROR) {
      this.#crash(failure, envelope);
      return clock.now();
    }
    this.mailbox.completeHead();
    this.headCrashes = 0;
    const finishedAt = clock.now();
    const durationMs = finishedAt - startedAt;
    this.histogram.record(durationMs);
    if (wantsProcessed) {
      this.#host.events.publish({ type: 'actor.processed', at: finishedAt, path: this.path, messageType: envelope.type, durationMs });
    }
    if (this.#outbox.length > 0) this.#flushOutbox();
    if (snapshot?.status !== 'active' || wantsStateChanged) this.#afterStep(snapshot);
    if (this.delayMs > 0 && this.#actor !== undefined) this.#suspend();
    return finishedAt;
  }

  #processSystemItem(item: SystemItem): void {
    this.#processedSystem += 1;
    if (item.kind === 'timer' && item.generation !== this.#generation) return; // a timer of a previous incarnation
    this.#outbox.clear();
    let failure: unknown = NO_ERROR;
    try {
      if (item.kind === 'timer') item.fire();
      else this.#actor!.send(item.event);
    } catch (error) {
      failure = error;
    }
    const snapshot = this.#snapshot();
    if (failure === NO_ERROR) failure = this.#failure(snapshot);
    if (failure === NO_ERROR && this.spec.durable !== undefined) failure = this.spec.durable.trySave(this.#actor!, this.stepStartedAt) ?? NO_ERROR;
    if (failure !== NO_ERROR) {
      this.#crash(failure, undefined);
      return;
    }
    this.#flushOutbox();
    this.#afterStep(snapshot);
  }

  #snapshot(): ActorSnapshot | undefined {
    return this.#actor?.getSnapshot() as ActorSnapshot | undefined;
  }

  /** The error the step ended in: what the error observer saw, or an `error` snapshot; else NO_ERROR. */
  #failure(snapshot: ActorSnapshot | undefined): unknown {
    if (this.#observedError !== NO_ERROR) return this.#observedError;
    return snapshot?.status === 'error' ? snapshot.error : NO_ERROR;
  }

  /** After a successful step: note a state change; a logic that reached its final state exits normally. */
  #afterStep(snapshot: ActorSnapshot | undefined): void {
    if (this.#host.events.wants('actor.state-changed')) this.#noteState();
    if (snapshot?.status === 'done' && this.status === 'running') {
      this.#discardActor();
      this.status = 'restarting';
      this.#host.notifyExit(this, 'normal', undefined);
    }
  }

  #flushOutbox(): void {
    if (this.#outbox.length === 0) return;
    const sendError = this.#outbox.flush(this, this.#host);
    // The message itself was handled; the send that a full `fail` mailbox refused crashes the sender.
    if (sendError !== undefined && this.#actor !== undefined) this.#crash(sendError, undefined);
  }

  #crash(error: unknown, envelope: Envelope | undefined): void {
    const summary = summarizeError(error);
    this.crashes += 1;
    this.lastError = summary;
    const crashCount = envelope === undefined ? 0 : this.headCrashes + 1;
    this.#outbox.clear(); // a crashed message has no effects downstream
    this.#discardActor();
    const events = this.#host.events;
    if (events.wants('actor.crashed')) {
      events.publish({ type: 'actor.crashed', at: this.#host.clock.now(), path: this.path, error: summary, messageType: envelope?.type, crashCount });
    }
    if (envelope !== undefined) {
      this.headCrashes = crashCount;
      if (crashCount >= this.spec.maxMessageCrashes) {
        this.mailbox.deadLetterHead();
        this.#host.deadLetter(this.path, envelope, 'poison', summary, crashCount);
        this.headCrashes = 0;
      }
    }
    if (this.status === 'stopping') {
      this.#drainToDeadLetters();
      this.status = 'stopped';
      this.#host.stopped(this, 'crashed');
    } else {
      this.status = 'restarting';
    }
    this.#host.notifyExit(this, 'crashed', { path: this.path, error: summary });
  }

  /** Stops the actor now, keeping the mailbox (restart of a group, or a supervisor giving up). */
  terminate(nextStatus: CellStatus = 'restarting'): void {
    this.#discardActor();
    this.status = nextStatus;
  }

  /** Graceful stop: refuse new messages, drain the mailbox for up to the grace period, then stop. */
  beginStop(): void {
    if (this.#actor === undefined || this.status !== 'running') {
      this.finishStop();
      return;
    }
    this.status = 'stopping';
    if (this.mailbox.depth === 0 && this.#systemQueue.length === 0 && this.parked === 0) {
      this.finishStop(); // nothing to drain
      return;
    }
    this.#graceTimer = this.#host.clock.setTimeout(() => {
      this.#graceTimer = undefined;
      if (this.status === 'stopping') this.finishStop();
    }, this.spec.shutdownGraceMs);
    this.#host.schedule(this);
  }

  finishStop(): void {
    if (this.status === 'stopped') return;
    if (this.#graceTimer !== undefined) this.#host.clock.clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    this.#discardActor();
    this.#drainToDeadLetters();
    this.status = 'stopped';
    this.#host.stopped(this, 'shutdown');
    this.#host.notifyExit(this, 'shutdown', undefined);
  }

  /** The actor will not run again (temporary child, or its supervisor stopped it for good). */
  retire(): void {
    this.#discardActor();
    this.#drainToDeadLetters();
    if (this.status !== 'stopped') {
      this.status = 'stopped';
      this.#host.stopped(this, 'terminated');
    }
  }

  #drainToDeadLetters(): void {
    for (const envelope of this.mailbox.drainToDeadLetters()) {
      this.#host.deadLetter(this.path, envelope, 'stopped', undefined, 0);
    }
  }

  #discardActor(): void {
    const actor = this.#actor;
    if (actor === undefined) return;
    this.#actor = undefined;
    this.#generation += 1;
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
    const status = (actor.getSnapshot() as { status?: string }).status;
    if (status === 'active') actor.stop();
    this.#timers.cancelAll();
    if (this.#suspendTimer !== undefined) this.#host.clock.clearTimeout(this.#suspendTimer);
    this.#suspendTimer = undefined;
    this.suspended = false;
    this.#systemQueue.drain();
  }

  #suspend(): void {
    this.suspended = true;
    this.#suspendTimer = this.#host.clock.setTimeout(() => {
      this.#suspendTimer = undefined;
      this.suspended = false;
      this.#host.schedule(this);
    }, this.delayMs);
  }

  #overflow(outcome: OfferOutcome): void {
    const events = this.#host.events;
    if (!events.wants('mailbox.overflow')) return;
    const action = outcome.kind === 'dropped' ? 'dropped' : outcome.kind === 'waiting' ? 'waiting' : 'rejected';
    events.publish({ type: 'mailbox.overflow', at: this.#host.clock.now(), path: this.path, policy: this.mailbox.policy, action });
  }

  /** The xstate state value (machines) or undefined (other logic). */
  stateValue(): unknown {
    const snapshot = this.#actor?.getSnapshot() as { value?: unknown; context?: { phase?: unknown } } | undefined;
    if (snapshot === undefined) return undefined;
    if (snapshot.value !== undefined) return snapshot.value;
    return this.spec.kind === 'supervisor' ? snapshot.context?.phase : undefined;
  }

  #noteState(): void {
    const value = this.stateValue();
    const from = this.#state.observe(value);
    const events = this.#host.events;
    if (from !== NO_CHANGE && events.wants('actor.state-changed')) {
      events.publish({ type: 'actor.state-changed', at: this.#host.clock.now(), path: this.path, from, to: value });
    }
  }
}
