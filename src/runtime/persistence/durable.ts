/**
 * A durable actor: its state survives a crash of the actor and a `kill -9` of the process.
 * What is stored, under keys `<path>#…` in the StateStore:
 *   `<path>#$actor`  the xstate part — state value, history, and the delayed events still pending
 *                    (each with its due time on the system clock) — plus the domain encoding's version;
 *   `<path>#<key>`   the domain state, written by the actor's own `save` (label index, snapshot…),
 *                    incrementally: `save` writes only what changed since its last call.
 * Saving happens after every message the actor handles, into the store's buffer; the store decides
 * when that reaches the disk (durability mode). Restoring builds the context with `restore`, hands
 * xstate a snapshot with the stored state value, and re-arms the pending delayed events for the time
 * they had left — xstate itself does not (runtime.md §1.2, statelyai/xstate#5331).
 * Stored state of another version, or that cannot be decoded, is discarded with one event and the
 * actor starts fresh: never a crash loop.
 */
import { createActor } from 'xstate';
import type { Actor, AnyActorLogic, AnyActorRef, EventObject, Snapshot } from 'xstate';
import type { XstateClock as XstateClockLike } from '../actor-clock.js';
import type { EventBus } from '../events.js';
import { CorruptStateError } from './state-store.js';
import type { StateStore } from './state-store.js';

/** The actor's slice of the store. Keys are relative to the actor. */
export interface ActorStateView {
  get(key: string): unknown;
  /** Entries whose key starts with `prefix`, keys relative to the actor, in key order. */
  entries(prefix?: string): [string, unknown][];
  put(key: string, value: unknown): void;
  remove(key: string): void;
  /** One page of `entries(prefix)` after `after` (see StateStore.page), keys relative to the actor. */
  page(prefix: string, after: string | undefined, limit: number): { entries: [string, unknown][]; next: string | undefined };
}

export interface DurableOptions<TContext = unknown, TInput = unknown> {
  readonly store: StateStore;
  /** The version of this actor's domain encoding. */
  readonly version: number;
  /** The context from what `save` wrote; undefined when there is nothing to restore. */
  restore(state: ActorStateView, input: TInput): TContext | undefined;
  /** Writes what changed in the context since the last call (everything, the first time). */
  save(context: TContext, state: ActorStateView, first: boolean): void;
}

interface StoredTimer { readonly id: string; readonly event: EventObject; readonly dueAt: number }
interface ActorHeader { readonly version: number; readonly value: unknown; readonly historyValue: unknown; readonly timers: readonly StoredTimer[] }

interface ScheduledEvent { source: AnyActorRef; target: AnyActorRef; event: EventObject; delay: number; id: string; startedAt: number }
interface SystemInternals { _snapshot: { _scheduledEvents: Record<string, ScheduledEvent> } }

export type RestoreOutcome =
  | { readonly kind: 'fresh' }
  | { readonly kind: 'restored'; readonly snapshot: unknown; readonly timers: readonly StoredTimer[] }
  | { readonly kind: 'discarded'; readonly reason: string };

const HEADER = '$actor';

export class ActorDurability {
  readonly #path: string;
  /** As given at spawn (a worker-placed actor's are rebuilt there from their factory: threads/logic-registry.ts). */
  readonly options: DurableOptions;
  readonly view: ActorStateView;
  /** When each pending delayed event is due, on the system clock (stamped after the step that armed it). */
  readonly #dueAt = new WeakMap<ScheduledEvent, number>();
  #lastHeader = '';
  #first = true;

  constructor(path: string, options: DurableOptions) {
    this.#path = path;
    this.options = options;
    const store = options.store;
    const prefix = `${path}#`;
    this.view = {
      get: (key) => store.get(prefix + key),
      entries: (sub = '') => store.entries(prefix + sub).map(([key, value]) => [key.slice(prefix.length), value]),
      put: (key, value) => store.put(prefix + key, value),
      remove: (key) => store.remove(prefix + key),
      page: (sub, after, limit) => {
        const { entries, next } = store.page(prefix + sub, after === undefined ? undefined : prefix + after, limit);
        return { entries: entries.map(([key, value]) => [key.slice(prefix.length), value]), next: next?.slice(prefix.length) };
      },
    };
  }

  /** What to start from: a stored snapshot, nothing, or nothing because what was stored is unusable. */
  restore(input: unknown): RestoreOutcome {
    this.#first = true;
    this.#lastHeader = '';
    if (!this.options.store.enabled) return { kind: 'fresh' };
    try {
      const header = this.view.get(HEADER) as ActorHeader | undefined;
      if (header === undefined) return { kind: 'fresh' };
      if (header.version !== this.options.version) {
        return this.#discard(`it was written by version ${header.version} of the actor's encoding, this is ${this.options.version}`);
      }
      const context = this.options.restore(this.view, input);
      if (context === undefined) return { kind: 'fresh' };
      const snapshot = { status: 'active', value: header.value, historyValue: header.historyValue ?? {}, context, children: {} };
      this.#first = false;
      return { kind: 'restored', snapshot, timers: header.timers };
    } catch (error) {
      if (!(error instanceof CorruptStateError) && !(error instanceof SyntaxError) && !(error instanceof TypeError)) throw error;
      return this.#discard(error.message);
    }
  }

  /**
   * A new xstate actor for this path: from the stored state when there is a usable one (its delayed
   * events re-armed), else fresh; `report` hears which.
   */
  createActor(logic: AnyActorLogic, options: { id: string; input: unknown; clock: XstateClockLike }, at: number, events: EventBus): Actor<AnyActorLogic> {
    let outcome = this.restore(options.input);
    if (outcome.kind === 'restored') {
      try {
        const actor = createActor(logic, { ...options, snapshot: outcome.snapshot as Snapshot<unknown> });
        const restored = actor.getSnapshot() as { status: string; error?: unknown };
        if (restored.status === 'error') throw restored.error;
        this.rearm(actor, outcome.timers, at);
        if (events.wants('actor.restored')) events.publish({ type: 'actor.restored', at, path: this.#path, timers: outcome.timers.length });
        return actor;
      } catch (error) {
        this.clear();
        outcome = { kind: 'discarded', reason: `its state value does not fit the machine: ${(error as Error).message}` };
      }
    }
    if (outcome.kind === 'fresh') this.clear();
    else if (events.wants('actor.state-discarded')) events.publish({ type: 'actor.state-discarded', at, path: this.#path, reason: outcome.reason });
    return createActor(logic, options);
  }

  /** `save`, with a failure (the store could not be written) returned as the step's error instead of thrown. */
  trySave(actor: AnyActorRef, stepStartedAt: number): Error | undefined {
    try {
      this.save(actor, stepStartedAt);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  /** Puts the stored delayed events back in xstate's scheduler, for the time they had left; call before `start`. */
  rearm(actor: AnyActorRef, timers: readonly StoredTimer[], now: number): void {
    const scheduled = (actor.system as unknown as SystemInternals)._snapshot._scheduledEvents;
    for (const timer of timers) {
      const entry: ScheduledEvent = { source: actor, target: actor, event: timer.event, delay: Math.max(0, timer.dueAt - now), id: timer.id, startedAt: 0 };
      scheduled[`restored.${timer.id}`] = entry;
    }
  }

  /** After a step: the domain state's changes and, if it moved, the header; then a consistency point. */
  save(actor: AnyActorRef, stepStartedAt: number): void {
    const snapshot = actor.getSnapshot() as { context: unknown; value: unknown; historyValue?: unknown };
    this.options.save(snapshot.context, this.view, this.#first);
    this.#first = false;
    const header: ActorHeader = { version: this.options.version, value: snapshot.value, historyValue: snapshot.historyValue ?? {}, timers: this.#timers(actor, stepStartedAt) };
    const text = JSON.stringify(header);
    if (text !== this.#lastHeader) {
      this.#lastHeader = text;
      this.view.put(HEADER, header);
    }
    this.options.store.commitPoint();
  }

  #timers(actor: AnyActorRef, stepStartedAt: number): StoredTimer[] {
    const scheduled = (actor.system as unknown as SystemInternals)._snapshot._scheduledEvents;
    const timers: StoredTimer[] = [];
    for (const key in scheduled) {
      const entry = scheduled[key]!;
      if (entry.source !== actor || entry.target !== actor) continue; // only self-addressed events are the actor's own
      timers.push({ id: entry.id, event: entry.event, dueAt: this.#stamp(entry, stepStartedAt) });
    }
    return timers;
  }

  /** Stamps the delayed events armed since the last call (by the step that began at `at`) with their due time. */
  stamp(actor: AnyActorRef, at: number): void {
    const scheduled = (actor.system as unknown as SystemInternals)._snapshot._scheduledEvents;
    for (const key in scheduled) this.#stamp(scheduled[key]!, at);
  }

  #stamp(entry: ScheduledEvent, at: number): number {
    let dueAt = this.#dueAt.get(entry);
    if (dueAt === undefined) this.#dueAt.set(entry, (dueAt = at + entry.delay));
    return dueAt;
  }

  /** A fresh start: whatever an earlier incarnation left under this path goes. */
  clear(): void {
    this.#first = true;
    this.#lastHeader = '';
    if (this.options.store.enabled) this.options.store.removePrefix(`${this.#path}#`);
  }

  #discard(reason: string): RestoreOutcome {
    this.clear();
    return { kind: 'discarded', reason };
  }
}
