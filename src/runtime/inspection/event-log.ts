/**
 * The live event stream for the inspection endpoint: the last 50 events of each actor (for
 * `/actors/<path>`) and server-sent-event subscribers filtered by path prefix and event type. The
 * per-message `actor.processed` events are subscribed to only while a client asks for them, so
 * being watched does not make every actor build one.
 */
import type { EventBus, RuntimeEvent, RuntimeEventType } from '../events.js';
import { RUNTIME_EVENT_TYPES } from '../events.js';

const ALWAYS: readonly RuntimeEventType[] = RUNTIME_EVENT_TYPES.filter((type) => type !== 'actor.processed');

export interface EventFilter {
  readonly prefix?: string;
  readonly types?: readonly RuntimeEventType[];
}

export class EventLog {
  readonly #bus: EventBus;
  readonly #perActor: number;
  readonly #recent = new Map<string, RuntimeEvent[]>();
  readonly #unsubscribe: () => void;

  constructor(bus: EventBus, perActor = 50) {
    this.#bus = bus;
    this.#perActor = perActor;
    this.#unsubscribe = bus.subscribe((event) => this.#remember(event), ALWAYS);
  }

  recent(path: string): readonly RuntimeEvent[] {
    return this.#recent.get(path) ?? [];
  }

  /** Calls `send` with each matching event, in order, until the returned function is called. */
  follow(filter: EventFilter, send: (event: RuntimeEvent) => void): () => void {
    const types = filter.types ?? ALWAYS;
    const prefix = filter.prefix ?? '/';
    return this.#bus.subscribe((event) => { if (event.path.startsWith(prefix)) send(event); }, types);
  }

  close(): void {
    this.#unsubscribe();
  }

  #remember(event: RuntimeEvent): void {
    let events = this.#recent.get(event.path);
    if (events === undefined) this.#recent.set(event.path, (events = []));
    events.push(event);
    if (events.length > this.#perActor) events.shift();
  }
}

export function parseEventTypes(text: string | null): RuntimeEventType[] | undefined {
  if (text === null || text === '') return undefined;
  const types = text.split(',').map((type) => type.trim());
  const unknown = types.filter((type) => !(RUNTIME_EVENT_TYPES as readonly string[]).includes(type));
  if (unknown.length > 0) throw new RangeError(`unknown event type ${unknown.join(', ')}; known: ${RUNTIME_EVENT_TYPES.join(', ')}`);
  return types as RuntimeEventType[];
}
