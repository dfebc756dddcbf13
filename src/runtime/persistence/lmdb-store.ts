/**
 * Durable state in LMDB (lmdb-js, msgpack values) under a state directory, and the rules for opening
 * it, so that a restart never turns into a crash loop:
 *   - the directory must be writable, checked at start with a real write: an unwritable directory or a
 *     full disk is a clear error (`PERSIST_ERR_STATE_DIR`) before anything runs;
 *   - a missing store is a fresh start; a store LMDB cannot open (damaged file) is moved aside, and a
 *     store written with another schema version is cleared — each with one log line, then a full resync.
 * Batch commits go through lmdb-js's asynchronous transaction (committed and synced off the main
 * thread); sync commits through `transactionSync`, durable when the call returns.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { open } from 'lmdb';
import type { Database, RootDatabase } from 'lmdb';
import type { Clock } from '../clock.js';
import { CorruptStateError, PersistenceError, StateStore } from './state-store.js';
import type { Durability, StoreBackend, StoreShare } from './state-store.js';

/** The layout of everything troupe stores; a different number means "cannot read, resync". */
export const STATE_SCHEMA_VERSION = 1;
const META_KEY = '$meta';
const STORE_FILE = 'troupe.mdb';

export interface OpenStateOptions {
  readonly dir: string;
  readonly durability: Durability;
  readonly clock: Clock;
  readonly batchMs?: number;
  /** One line for each reason the stored state was not used. */
  readonly log: (line: string) => void;
  /** Overrides the schema version (tests). */
  readonly schemaVersion?: number;
}

class LmdbBackend implements StoreBackend {
  constructor(readonly db: RootDatabase) {}

  get(key: string): unknown {
    try {
      return this.db.get(key);
    } catch (error) {
      throw new CorruptStateError(key, error);
    }
  }

  *range(prefix: string, after?: string, limit?: number): Iterable<readonly [string, unknown]> {
    // `start` is inclusive: one more, and `after` itself skipped.
    const options = { start: after ?? prefix, end: `${prefix}\uffff`, ...(limit === undefined ? {} : { limit: limit + 1 }) };
    const iterator = this.db.getRange(options)[Symbol.iterator]();
    let count = 0;
    for (;;) {
      let next: IteratorResult<{ key: unknown; value: unknown }>;
      try {
        next = iterator.next();
      } catch (error) {
        throw new CorruptStateError(prefix, error);
      }
      if (next.done === true) return;
      if (next.value.key === after) continue;
      if (limit !== undefined && count === limit) return;
      count += 1;
      yield [next.value.key as string, next.value.value] as const;
    }
  }

  keys(prefix: string): Iterable<string> {
    return this.db.getKeys({ start: prefix, end: `${prefix}\uffff` }) as Iterable<string>;
  }

  commit(writes: ReadonlyMap<string, unknown>, deleted: symbol, durable: boolean): Promise<void> | void {
    const apply = (db: Database) => {
      for (const [key, value] of writes) {
        if (value === deleted) db.removeSync(key);
        else db.putSync(key, value);
      }
    };
    if (durable) {
      this.db.transactionSync(() => apply(this.db));
      return undefined;
    }
    return this.db.transaction(() => apply(this.db)).then(() => undefined);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}

/** Writes, syncs and deletes a probe file: the honest test of "can we persist here". */
function probeWritable(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, '.troupe-write-probe');
    const fd = openSync(probe, 'w');
    try {
      writeSync(fd, Buffer.alloc(4096));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    rmSync(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOSPC' ? 'the disk is full' : code === 'EROFS' ? 'the file system is read-only' : (error as Error).message;
    throw new PersistenceError('PERSIST_ERR_STATE_DIR', `state directory ${dir} cannot be written: ${why}`, { cause: error });
  }
}

/** LMDB's meta page magic (0xBEEFC0DE) after the page header. LMDB trusts its file: a damaged header crashes the process. */
const LMDB_MAGIC = 0xbeefc0de;
const MAGIC_OFFSET = 24;

/** Why the file at `path` is not an LMDB store, or undefined when it is one (or is absent). */
function notLmdb(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return (error as Error).message;
  }
  try {
    const head = Buffer.alloc(MAGIC_OFFSET + 4);
    const read = readSync(fd, head, 0, head.length, 0);
    if (read === 0) return undefined;
    if (read < head.length || head.readUInt32LE(MAGIC_OFFSET) !== LMDB_MAGIC) return 'not an LMDB file';
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function openDatabase(dir: string, log: (line: string) => void): RootDatabase {
  const path = join(dir, STORE_FILE);
  let problem = notLmdb(path);
  if (problem === undefined) {
    try {
      return open({ path, encoding: 'msgpack' });
    } catch (error) {
      problem = (error as Error).message;
    }
  }
  const aside = `${path}.unreadable`;
  log(`durable state ${path} cannot be opened (${problem}); moved to ${aside}, starting with a full resync`);
  renameSync(path, aside);
  rmSync(`${path}-lock`, { force: true });
  return open({ path, encoding: 'msgpack' });
}

/** Clears a store written by another schema, or whose header cannot be read. */
function checkSchema(db: RootDatabase, dir: string, version: number, log: (line: string) => void): void {
  let meta: { schema?: unknown } | undefined;
  let unreadable = false;
  try {
    meta = db.get(META_KEY) as { schema?: unknown } | undefined;
  } catch {
    unreadable = true;
  }
  const empty = db.getKeysCount() === 0;
  if (!empty && (unreadable || meta?.schema !== version)) {
    const found = unreadable ? 'an unreadable header' : meta === undefined ? 'no schema header' : `schema ${String(meta.schema)}`;
    log(`durable state in ${dir} has ${found}; this troupe writes schema ${version}: clearing it, starting with a full resync`);
    db.clearSync();
  }
  db.putSync(META_KEY, { schema: version });
}

/** Opens the state directory for `durability` (nothing is opened when it is `off`). */
export function openStateStore(options: OpenStateOptions): StateStore {
  if (options.durability === 'off') return StateStore.off(options.clock);
  probeWritable(options.dir);
  const db = openDatabase(options.dir, options.log);
  try {
    checkSchema(db, options.dir, options.schemaVersion ?? STATE_SCHEMA_VERSION, options.log);
  } catch (error) {
    void db.close();
    throw new PersistenceError('PERSIST_ERR_STATE_DIR', `state directory ${options.dir} cannot be written: ${(error as Error).message}`, { cause: error });
  }
  const share: StoreShare = {
    dir: options.dir, durability: options.durability,
    ...(options.batchMs === undefined ? {} : { batchMs: options.batchMs }), ...(options.schemaVersion === undefined ? {} : { schemaVersion: options.schemaVersion }),
  };
  return new StateStore(new LmdbBackend(db), { durability: options.durability, clock: options.clock, share, ...(options.batchMs === undefined ? {} : { batchMs: options.batchMs }) });
}
