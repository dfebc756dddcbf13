/**
 * Where durable actors keep their state: a key-value store with a write buffer in front of it.
 * Writes land in the buffer (reads see them at once); a commit moves the buffer to the backend in one
 * atomic transaction. When commits happen is the durability mode:
 *   off    nothing is stored (no backend is opened; a restart starts empty);
 *   batch  group commit on the clock: the first write after a commit arms one timer (`batchMs`), and
 *          everything written until it fires goes in one transaction — a crash loses at most that window;
 *   sync   every consistency point (`commitPoint`, after each message a durable actor handles) commits
 *          before the actor's sends leave, so nothing downstream ever saw state that is not on disk.
 * Backends: LMDB (lmdb-store.ts) and an in-memory twin (MemoryStateStore) whose `reopen()` keeps only
 * committed data — what a `kill -9` leaves.
 */
import type { Clock, TimerId } from '../clock.js';
import { TroupeError } from '../errors.js';

export type Durability = 'off' | 'batch' | 'sync';
export const DURABILITY_MODES: readonly Durability[] = ['off', 'batch', 'sync'];

export class PersistenceError extends TroupeError {}

/** A value the backend could not decode: the caller discards what it belongs to and starts fresh. */
export class CorruptStateError extends PersistenceError {
  constructor(readonly key: string, cause: unknown) {
    super('PERSIST_ERR_CORRUPT', `stored state under ${JSON.stringify(key)} cannot be decoded: ${(cause as Error).message ?? String(cause)}`, { cause });
  }
}

const DELETED = Symbol('deleted');
type Pending = unknown; // a value, or DELETED

/** The part a backend provides: committed reads, and one atomic commit of many writes. */
export interface StoreBackend {
  get(key: string): unknown;
  /** Committed entries whose key starts with `prefix`, in key order; from after `after`, at most `limit`. */
  range(prefix: string, after?: string, limit?: number): Iterable<readonly [string, unknown]>;
  /** Committed keys that start with `prefix` (values not decoded). */
  keys(prefix: string): Iterable<string>;
  /** Applies the writes atomically; `durable` asks for them to be on disk when it resolves. */
  commit(writes: ReadonlyMap<string, unknown>, deleted: symbol, durable: boolean): Promise<void> | void;
  close(): Promise<void>;
}

export interface StoreStats {
  readonly durability: Durability;
  readonly commits: number;
  readonly writes: number;
  readonly pending: number;
  readonly lastCommitMs: number;
}

export interface StateStoreOptions {
  readonly durability: Durability;
  readonly clock: Clock;
  /** Group-commit window in batch mode. Default 100 ms. */
  readonly batchMs?: number;
  /** How another thread opens the same store (set for LMDB stores; an in-memory store has none). */
  readonly share?: StoreShare;
}

/** Plain data: what a worker thread needs to open a store on the same LMDB environment. */
export interface StoreShare {
  readonly dir: string;
  readonly durability: Durability;
  readonly batchMs?: number;
  readonly schemaVersion?: number;
}

export class StateStore {
  readonly durability: Durability;
  readonly #backend: StoreBackend | undefined;
  readonly #clock: Clock;
  readonly #batchMs: number;
  readonly share: StoreShare | undefined;
  #pending = new Map<string, Pending>();
  /** Batches handed to the backend whose commit has not resolved yet, oldest first: still readable. */
  readonly #inflight: Map<string, Pending>[] = [];
  #timer: TimerId | undefined;
  #committing: Promise<void> = Promise.resolve();
  #failure: Error | undefined;
  #commits = 0;
  #writes = 0;
  #lastCommitMs = 0;

  constructor(backend: StoreBackend | undefined, options: StateStoreOptions) {
    this.durability = backend === undefined ? 'off' : options.durability;
    this.#backend = backend;
    this.#clock = options.clock;
    this.#batchMs = options.batchMs ?? 100;
    this.share = options.share;
  }

  /** A store that keeps nothing (durability `off`). */
  static off(clock: Clock): StateStore {
    return new StateStore(undefined, { durability: 'off', clock });
  }

  get enabled(): boolean {
    return this.#backend !== undefined;
  }

  get stats(): StoreStats {
    return { durability: this.durability, commits: this.#commits, writes: this.#writes, pending: this.#pending.size, lastCommitMs: this.#lastCommitMs };
  }

  get(key: string): unknown {
    const value = this.#buffered(key);
    if (value !== undefined) return value === DELETED ? undefined : value;
    return this.#backend?.get(key);
  }

  /** Entries under `prefix`, committed and buffered, in key order. */
  entries(prefix: string): [string, unknown][] {
    if (this.#backend === undefined) return [];
    const merged = new Map<string, unknown>();
    for (const [key, value] of this.#backend.range(prefix)) merged.set(key, value);
    for (const layer of [...this.#inflight, this.#pending]) {
      for (const [key, value] of layer) if (key.startsWith(prefix)) merged.set(key, value);
    }
    return [...merged].filter(([, value]) => value !== DELETED).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * One page of `entries(prefix)`: those after `after`, about `limit` of them, buffered writes included;
   * `next` is where the following page starts, undefined after the last. For loading a large state in
   * steps, between which other work runs (and writes: a later page sees them).
   */
  page(prefix: string, after: string | undefined, limit: number): { entries: [string, unknown][]; next: string | undefined } {
    if (this.#backend === undefined) return { entries: [], next: undefined };
    const committed = [...this.#backend.range(prefix, after, limit)];
    const last = committed.length === limit ? committed.at(-1)![0] : undefined;
    const inPage = (key: string) => key.startsWith(prefix) && (after === undefined || key > after) && (last === undefined || key <= last);
    const merged = new Map<string, unknown>(committed);
    for (const layer of [...this.#inflight, this.#pending]) for (const [key, value] of layer) if (inPage(key)) merged.set(key, value);
    const entries = [...merged].filter(([, value]) => value !== DELETED).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { entries, next: last };
  }

  put(key: string, value: unknown): void {
    if (this.#backend === undefined) return;
    this.#pending.set(key, value);
    this.#writes += 1;
  }

  remove(key: string): void {
    if (this.#backend === undefined) return;
    this.#pending.set(key, DELETED);
    this.#writes += 1;
  }

  /** Removes every key under `prefix`, without decoding values (they may be what is damaged). */
  removePrefix(prefix: string): void {
    if (this.#backend === undefined) return;
    const keys = new Set(this.#backend.keys(prefix));
    for (const layer of [...this.#inflight, this.#pending]) for (const key of layer.keys()) if (key.startsWith(prefix)) keys.add(key);
    for (const key of keys) this.remove(key);
  }

  /** A consistency point: sync commits now, batch arms the group commit, off does nothing. */
  commitPoint(): void {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#backend === undefined || this.#pending.size === 0) return;
    if (this.durability === 'sync') {
      void this.#commit(true);
      return;
    }
    this.#timer ??= this.#clock.setTimeout(() => {
      this.#timer = undefined;
      void this.#commit(false);
    }, this.#batchMs);
  }

  /** Commits everything buffered and resolves once it is durable (graceful stop, tests). */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    // An async batch still in flight commits first, so this one cannot land before it.
    await this.#committing;
    if (this.#pending.size > 0) void this.#commit(true);
    await this.#committing;
    if (this.#failure !== undefined) throw this.#failure;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.#backend?.close();
  }

  /** Closes without committing what is buffered: what a `kill -9` leaves (in-process restart tests). */
  async abandon(): Promise<void> {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = new Map();
    await this.#committing;
    await this.#backend?.close();
  }

  #buffered(key: string): unknown {
    const pending = this.#pending.get(key);
    if (pending !== undefined) return pending;
    for (let index = this.#inflight.length - 1; index >= 0; index -= 1) {
      const value = this.#inflight[index]!.get(key);
      if (value !== undefined) return value;
    }
    return undefined;
  }

  #commit(durable: boolean): Promise<void> {
    const writes = this.#pending;
    this.#pending = new Map();
    this.#inflight.push(writes);
    const startedAt = this.#clock.now();
    const settle = (error?: unknown) => {
      this.#inflight.splice(this.#inflight.indexOf(writes), 1);
      if (error !== undefined) this.#failure ??= new PersistenceError('PERSIST_ERR_WRITE', `cannot write durable state: ${(error as Error).message}`, { cause: error });
      else this.#commits += 1;
      this.#lastCommitMs = this.#clock.now() - startedAt;
    };
    let result: Promise<void> | void;
    try {
      result = this.#backend!.commit(writes, DELETED, durable || this.durability === 'sync');
    } catch (error) {
      settle(error);
      return this.#committing;
    }
    if (result === undefined) {
      settle();
      return this.#committing;
    }
    this.#committing = this.#committing.then(() => result).then(() => settle(), settle);
    return this.#committing;
  }
}
