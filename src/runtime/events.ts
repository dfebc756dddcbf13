/**
 * The runtime's one typed event stream. Inspection (the HTTP endpoint of a later issue), the scenario
 * harness and tests all read it; every event is also published on a `node:diagnostics_channel` named
 * `troupe:<type>` (for example `troupe:actor.crashed`), so tools can listen without a reference to the
 * system. Events are built only when someone listens: the hot path checks `wants(type)` first.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { ErrorSummary } from './errors.js';
import type { OverflowPolicy } from './mailbox.js';

export type ActorKind = 'actor' | 'supervisor';
export type StopReason = 'normal' | 'shutdown' | 'crashed' | 'gave-up' | 'terminated';
export type DeadLetterReason = 'poison' | 'stopped' | 'no-such-actor';

export type RuntimeEvent =
  | { type: 'actor.spawned'; at: number; path: string; parent: string | undefined; kind: ActorKind }
  | { type: 'actor.started'; at: number; path: string; restart: boolean }
  | { type: 'actor.restored'; at: number; path: string; timers: number }
  | { type: 'actor.state-discarded'; at: number; path: string; reason: string }
  | { type: 'actor.processed'; at: number; path: string; messageType: string; durationMs: number }
  | { type: 'actor.state-changed'; at: number; path: string; from: unknown; to: unknown }
  | { type: 'actor.crashed'; at: number; path: string; error: ErrorSummary; messageType: string | undefined; crashCount: number }
  | { type: 'actor.restart-scheduled'; at: number; path: string; delayMs: number; restarts: number }
  | { type: 'actor.restarted'; at: number; path: string; restarts: number }
  | { type: 'actor.stopped'; at: number; path: string; reason: StopReason }
  | { type: 'actor.dead-lettered'; at: number; path: string; messageType: string; reason: DeadLetterReason; error: ErrorSummary | undefined; crashCount: number }
  | { type: 'mailbox.overflow'; at: number; path: string; policy: OverflowPolicy; action: 'waiting' | 'dropped' | 'rejected' }
  | { type: 'supervisor.gave-up'; at: number; path: string; error: ErrorSummary }
  | { type: 'system.failed'; at: number; path: string; error: ErrorSummary };

export type RuntimeEventType = RuntimeEvent['type'];
export type RuntimeEventOf<T extends RuntimeEventType> = Extract<RuntimeEvent, { type: T }>;

export const RUNTIME_EVENT_TYPES: readonly RuntimeEventType[] = [
  'actor.spawned', 'actor.started', 'actor.restored', 'actor.state-discarded', 'actor.processed', 'actor.state-changed', 'actor.crashed',
  'actor.restart-scheduled', 'actor.restarted', 'actor.stopped', 'actor.dead-lettered', 'mailbox.overflow',
  'supervisor.gave-up', 'system.failed',
];

/** Name of the diagnostics channel an event type is mirrored to. */
export function channelName(type: RuntimeEventType): string {
  return `troupe:${type}`;
}

const channels = Object.fromEntries(RUNTIME_EVENT_TYPES.map((type) => [type, diagnosticsChannel.channel(channelName(type))])) as Record<RuntimeEventType, diagnosticsChannel.Channel>;

export type RuntimeEventListener = (event: RuntimeEvent) => void;

const processedChannel = channels['actor.processed'];
const stateChangedChannel = channels['actor.state-changed'];

export class EventBus {
  readonly #listeners = new Set<RuntimeEventListener>();
  /** Listeners to some types only: an inspection client that does not ask for the per-message
   * `actor.processed` events must not make every actor build one. */
  readonly #byType = new Map<RuntimeEventType, Set<RuntimeEventListener>>();
  /** Typed listeners per type, as a plain object (a lookup by a literal key compiles to a field read). */
  readonly #typedCounts = Object.fromEntries(RUNTIME_EVENT_TYPES.map((type) => [type, 0])) as Record<RuntimeEventType, number>;

  /** True when an event of this type would reach anyone; call before building the event. */
  wants(type: RuntimeEventType): boolean {
    return this.#listeners.size > 0 || this.#typedCounts[type] > 0 || channels[type].hasSubscribers;
  }

  /**
   * `wants('actor.processed')` and `wants('actor.state-changed')` for the per-message path. `wants`
   * is called with every type, so V8 compiles its lookups by type for many keys (a megamorphic load,
   * a stub call each time); these look up one literal key each.
   */
  wantsProcessed(): boolean {
    return this.#listeners.size > 0 || this.#typedCounts['actor.processed'] > 0 || processedChannel.hasSubscribers;
  }

  wantsStateChanged(): boolean {
    return this.#listeners.size > 0 || this.#typedCounts['actor.state-changed'] > 0 || stateChangedChannel.hasSubscribers;
  }

  publish(event: RuntimeEvent): void {
    for (const listener of this.#listeners) listener(event);
    const typed = this.#byType.get(event.type);
    if (typed !== undefined) for (const listener of typed) listener(event);
    const channel = channels[event.type];
    if (channel.hasSubscribers) channel.publish(event);
  }

  /** Every event, or only those of `types`. Returns the unsubscribe function. */
  subscribe(listener: RuntimeEventListener, types?: readonly RuntimeEventType[]): () => void {
    if (types === undefined) {
      this.#listeners.add(listener);
      return () => this.#listeners.delete(listener);
    }
    for (const type of types) {
      let set = this.#byType.get(type);
      if (set === undefined) this.#byType.set(type, (set = new Set()));
      set.add(listener);
      this.#typedCounts[type] = set.size;
    }
    return () => {
      for (const type of types) {
        const set = this.#byType.get(type);
        set?.delete(listener);
        this.#typedCounts[type] = set?.size ?? 0;
      }
    };
  }
}
