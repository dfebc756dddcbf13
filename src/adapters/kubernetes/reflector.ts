/**
 * A reflector of our own (design/typha-k8s.md §3, after client-go's): list, then watch from the
 * list's resourceVersion with bookmarks and a server timeout drawn from 5–10 minutes; re-watch from
 * the last resourceVersion when a watch ends; on 410 Gone (as a status or an in-stream ERROR) list
 * again and synthesize deletions for keys that vanished; on errors back off (800 ms doubling to
 * 30 s, with jitter, reset after 2 healthy minutes); abort a watch that has been silent for too
 * long (half-open connections). Time and randomness are injected.
 *
 * Resumed (a previous run's resourceVersion and the objects it knew, from durable state), it skips
 * the list and watches from there; it counts as synced once the API server accepts that watch. If
 * the server no longer has that resourceVersion (410), the list that follows is diffed against the
 * objects it knew: only what changed is reported.
 */
import type { Clock, TimerId } from '../../runtime/clock.js';
import type { KubeObject } from '../datastore/convert/resource.js';
import { KubeApiError } from './kube-client.js';
import type { KubeClient, KubeStream } from './kube-client.js';

export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly kind: string;
}

export const resourcePath = (type: ResourceType): string => (type.group === '' ? `/api/${type.version}/${type.plural}` : `/apis/${type.group}/${type.version}/${type.plural}`);
export const apiVersionOf = (type: ResourceType): string => (type.group === '' ? type.version : `${type.group}/${type.version}`);

export interface ReflectorListener {
  upsert(key: string, object: KubeObject): void;
  remove(key: string): void;
  /** The first list is in: the local copy is complete (once per reflector). */
  synced(): void;
  problem(message: string): void;
  /** Where the watch stands now (after an event or a bookmark). */
  position?(resourceVersion: string): void;
}

/**
 * Where a previous run stood: the resourceVersion its watch had reached (if it got that far), and
 * each object's resourceVersion then ('' when unknown: the object is read again).
 */
export interface ReflectorResume {
  readonly resourceVersion: string | undefined;
  readonly known: ReadonlyMap<string, string>;
}

export interface BackoffOptions { readonly initialMs: number; readonly factor: number; readonly maxMs: number; readonly jitter: number; readonly resetAfterMs: number }

export interface ReflectorOptions {
  readonly clock: Clock;
  /** Uniform in [0, 1). */
  readonly random: () => number;
  /** A watch with no line (event or bookmark) for this long is taken as dead. Default 120 s. */
  readonly inactivityMs?: number;
  readonly backoff?: Partial<BackoffOptions>;
}

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 800, factor: 2, maxMs: 30_000, jitter: 1, resetAfterMs: 120_000 };

type WatchOutcome = 'gone' | 'closed' | 'idle-closed' | Error;

const keyOf = (object: KubeObject): string => `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
const versionOf = (object: KubeObject): string => String((object.metadata as { resourceVersion?: unknown } | undefined)?.resourceVersion ?? '');

export class Reflector {
  readonly type: ResourceType;
  readonly #client: KubeClient;
  readonly #listener: ReflectorListener;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #inactivityMs: number;
  readonly #backoff: BackoffOptions;
  /** key → resourceVersion of what the listener has been told. */
  readonly #known = new Map<string, string>();
  #resourceVersion: string | undefined;
  #synced = false;
  #stopped = false;
  #stream: KubeStream | undefined;
  #sleep: { timer: TimerId; wake: () => void } | undefined;
  #failures = 0;
  #lastFailureAt = Number.NEGATIVE_INFINITY;
  lists = 0;
  watches = 0;

  constructor(type: ResourceType, client: KubeClient, listener: ReflectorListener, options: ReflectorOptions, resume?: ReflectorResume) {
    this.type = type;
    if (resume !== undefined) {
      if (resume.resourceVersion !== '') this.#resourceVersion = resume.resourceVersion;
      for (const [key, version] of resume.known) this.#known.set(key, version);
    }
    this.#client = client;
    this.#listener = listener;
    this.#clock = options.clock;
    this.#random = options.random;
    this.#inactivityMs = options.inactivityMs ?? 120_000;
    this.#backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  }

  get resourceVersion(): string | undefined {
    return this.#resourceVersion;
  }

  /** Runs until `stop`; resolves then. */
  async run(): Promise<void> {
    while (!this.#stopped) {
      try {
        if (this.#resourceVersion === undefined) await this.#list();
        if (this.#stopped) return;
        const outcome = await this.#watch(this.#resourceVersion!);
        if (outcome === 'gone') {
          this.#resourceVersion = undefined; // relist: the server no longer has our position
          continue;
        }
        if (outcome === 'closed') continue; // a normal end: watch again from where we are
        throw outcome === 'idle-closed' ? new Error('the watch ended without sending anything') : outcome;
      } catch (error) {
        if (this.#stopped) return;
        if (error instanceof KubeApiError && error.status === 410) {
          this.#resourceVersion = undefined;
          continue;
        }
        const delay = this.#nextBackoffMs();
        this.#listener.problem(`${resourcePath(this.type)}: ${(error as Error).message}; retrying in ${delay} ms`);
        await this.#pause(delay);
      }
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#stream?.abort();
    if (this.#sleep !== undefined) {
      this.#clock.clearTimeout(this.#sleep.timer);
      this.#sleep.wake();
    }
  }

  #nextBackoffMs(): number {
    const now = this.#clock.now();
    if (now - this.#lastFailureAt > this.#backoff.resetAfterMs) this.#failures = 0;
    this.#lastFailureAt = now;
    const base = Math.min(this.#backoff.maxMs, this.#backoff.initialMs * this.#backoff.factor ** this.#failures);
    this.#failures += 1;
    return Math.round(base * (1 + this.#backoff.jitter * this.#random()));
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => { this.#sleep = undefined; resolve(); };
      this.#sleep = { timer: this.#clock.setTimeout(wake, ms), wake };
    });
  }

  #stamp(object: KubeObject): KubeObject {
    return { ...object, apiVersion: apiVersionOf(this.type), kind: this.type.kind };
  }

  async #list(): Promise<void> {
    this.lists += 1;
    const list = await this.#client.getJson(resourcePath(this.type)) as { items?: KubeObject[]; metadata?: { resourceVersion?: string } };
    const items = list.items ?? [];
    const present = new Set(items.map(keyOf));
    // Keys we knew that the list no longer has were deleted while we were not watching: tombstones.
    for (const key of [...this.#known.keys()]) {
      if (present.has(key)) continue;
      this.#known.delete(key);
      this.#listener.remove(key);
    }
    for (const item of items) this.#apply('ADDED', item);
    this.#resourceVersion = list.metadata?.resourceVersion ?? '';
    if (this.#resourceVersion !== '') this.#listener.position?.(this.#resourceVersion);
    if (!this.#synced) {
      this.#synced = true;
      this.#listener.synced();
    }
  }

  #apply(type: string, object: KubeObject): void {
    const key = keyOf(object);
    if (type === 'DELETED') {
      if (this.#known.delete(key)) this.#listener.remove(key);
      return;
    }
    const version = versionOf(object);
    if (this.#known.get(key) === version && version !== '') return; // unchanged (a relist, a repeated event)
    this.#known.set(key, version);
    this.#listener.upsert(key, this.#stamp(object));
  }

  async #watch(from: string): Promise<WatchOutcome> {
    this.watches += 1;
    let outcome: WatchOutcome | undefined;
    let lines = 0;
    let idle: TimerId | undefined;
    const rearm = () => {
      if (idle !== undefined) this.#clock.clearTimeout(idle);
      idle = this.#clock.setTimeout(() => { outcome ??= new Error(`no event or bookmark for ${this.#inactivityMs} ms`); stream.abort(); }, this.#inactivityMs);
    };
    const query = { watch: 'true', resourceVersion: from, allowWatchBookmarks: 'true', timeoutSeconds: String(300 + Math.floor(this.#random() * 301)) };
    const stream = this.#client.stream(resourcePath(this.type), query, (line) => {
      if (outcome !== undefined || this.#stopped) return; // stopped: what is still buffered is not reported
      lines += 1;
      rearm();
      outcome = this.#onLine(line);
      if (outcome !== undefined) stream.abort();
    });
    this.#stream = stream;
    rearm();
    void stream.opened.then((ok) => {
      // A resumed reflector's copy is complete once the server takes its resourceVersion.
      if (!ok || this.#synced || this.#stopped || outcome !== undefined) return;
      this.#synced = true;
      this.#listener.synced();
    });
    const ended = await stream.done;
    if (idle !== undefined) this.#clock.clearTimeout(idle);
    this.#stream = undefined;
    if (outcome !== undefined) return outcome;
    if (ended instanceof KubeApiError && ended.status === 410) return 'gone';
    if (ended !== undefined) return ended;
    return lines > 0 ? 'closed' : 'idle-closed';
  }

  #advance(resourceVersion: string): void {
    if (resourceVersion === '') return;
    this.#resourceVersion = resourceVersion;
    this.#listener.position?.(resourceVersion);
  }

  /** One watch event; returns an outcome when it ends the watch. */
  #onLine(line: string): WatchOutcome | undefined {
    let event: { type?: string; object?: KubeObject & { code?: number; message?: string } };
    try {
      event = JSON.parse(line) as typeof event;
    } catch {
      return new Error(`a watch line is not JSON: ${line.slice(0, 80)}`);
    }
    const object = event.object ?? {};
    switch (event.type) {
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED':
        this.#apply(event.type, object);
        this.#advance(versionOf(object));
        return undefined;
      case 'BOOKMARK':
        this.#advance(versionOf(object));
        return undefined;
      case 'ERROR':
        return object.code === 410 ? 'gone' : new Error(`watch error ${object.code ?? ''}: ${object.message ?? 'unknown'}`);
      default:
        return new Error(`unknown watch event type ${JSON.stringify(event.type)}`);
    }
  }
}
