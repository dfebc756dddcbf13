/**
 * What the inspection endpoint shows of actors: the tree (figures per actor, plus messages per
 * second from a sampler on the clock) and one actor in detail, its xstate snapshot summarized —
 * large maps, sets and arrays as their sizes, deep objects cut off, and values of keys that look like
 * secrets never shown.
 */
import type { Clock } from '../clock.js';
import type { ActorStats } from '../stats.js';

const SECRET_KEY = /secret|token|passw|credential|api[-_]?key|auth|private[-_]?key/i;
const MAX_DEPTH = 4;
const MAX_ENTRIES = 20;

export function summarize(value: unknown, depth = 0, key = ''): unknown {
  if (key !== '' && SECRET_KEY.test(key)) return '[redacted]';
  if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'string') return value.length > 200 ? `${value.slice(0, 200)}… (${value.length} chars)` : value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function') return '[function]';
  if (value instanceof Map) return { $map: value.size };
  if (value instanceof Set) return { $set: value.size };
  if (Array.isArray(value)) return value.length > MAX_ENTRIES ? { $array: value.length } : value.map((item) => summarize(item, depth + 1));
  if (typeof value !== 'object') return String(value);
  if (depth >= MAX_DEPTH) return { $object: Object.keys(value).length };
  const entries = Object.entries(value as Record<string, unknown>);
  const kept = entries.slice(0, MAX_ENTRIES).map(([name, item]) => [name, summarize(item, depth + 1, name)]);
  const out = Object.fromEntries(kept) as Record<string, unknown>;
  if (entries.length > MAX_ENTRIES) out['$more'] = entries.length - MAX_ENTRIES;
  return out;
}

/** Messages processed per second per actor, from counts sampled on the clock. */
export class RateSampler {
  readonly #rates = new Map<string, number>();
  #last = new Map<string, number>();
  #lastAt: number;
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
    this.#lastAt = clock.now();
  }

  sample(actors: readonly ActorStats[]): void {
    const now = this.#clock.now();
    const seconds = (now - this.#lastAt) / 1000;
    const next = new Map<string, number>();
    for (const actor of actors) {
      next.set(actor.path, actor.mailbox.processed);
      if (seconds > 0) this.#rates.set(actor.path, Math.max(0, actor.mailbox.processed - (this.#last.get(actor.path) ?? actor.mailbox.processed)) / seconds);
    }
    this.#last = next;
    this.#lastAt = now;
  }

  rate(path: string): number {
    return this.#rates.get(path) ?? 0;
  }
}

export interface ActorNode {
  readonly path: string;
  readonly kind: string;
  readonly supervisor: string | undefined;
  readonly status: string;
  readonly state: unknown;
  readonly thread: string;
  readonly mailbox: { depth: number; highWater: number; capacity: number; policy: string };
  readonly processed: number;
  readonly dropped: number;
  readonly deadLettered: number;
  readonly restarts: number;
  readonly lastError: unknown;
  readonly messagesPerSecond: number;
  readonly children: readonly string[];
}

export function actorNode(stats: ActorStats, rate: number): ActorNode {
  const { mailbox } = stats;
  return {
    path: stats.path,
    kind: stats.kind,
    supervisor: stats.supervisor,
    status: stats.status,
    state: stats.state,
    thread: stats.thread ?? 'main',
    mailbox: { depth: mailbox.depth, highWater: mailbox.highWater, capacity: mailbox.capacity, policy: mailbox.policy },
    processed: mailbox.processed,
    dropped: mailbox.dropped,
    deadLettered: mailbox.deadLettered,
    restarts: stats.restarts,
    lastError: stats.lastError ?? null,
    messagesPerSecond: Math.round(rate * 10) / 10,
    children: stats.children,
  };
}
