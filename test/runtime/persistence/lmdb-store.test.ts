import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from 'lmdb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../src/runtime/clock.js';
import { openStateStore } from '../../../src/runtime/persistence/lmdb-store.js';
import type { OpenStateOptions } from '../../../src/runtime/persistence/lmdb-store.js';
import { CorruptStateError, PersistenceError } from '../../../src/runtime/persistence/state-store.js';

let dir: string;
let lines: string[];
const options = (extra: Partial<OpenStateOptions> = {}): OpenStateOptions => ({ dir, durability: 'sync', clock: new SimulatedClock(), log: (line) => lines.push(line), ...extra });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'troupe-lmdb-'));
  lines = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the LMDB state store', () => {
  it('keeps committed writes across a close and reopen, and loses buffered ones', async () => {
    const store = openStateStore(options({ durability: 'batch' }));
    store.put('/a#x', { labels: { app: 'web' }, n: 1 });
    await store.flush();
    store.put('/a#y', 2); // buffered, never committed
    await store.abandon();
    const again = openStateStore(options());
    expect(again.get('/a#x')).toEqual({ labels: { app: 'web' }, n: 1 });
    expect(again.get('/a#y')).toBeUndefined();
    expect(lines).toEqual([]);
    await again.close();
  });

  it('lists entries under a prefix in key order, buffered writes included', async () => {
    const store = openStateStore(options({ durability: 'batch' }));
    store.put('/a#r/2', 'two');
    store.put('/a#r/1', 'one');
    store.put('/b#r/1', 'other actor');
    await store.flush();
    store.put('/a#r/3', 'three');
    store.remove('/a#r/2');
    expect(store.entries('/a#r/')).toEqual([['/a#r/1', 'one'], ['/a#r/3', 'three']]);
    await store.close();
  });

  it('pages through a prefix, seeing buffered writes in the page they fall in, until `next` is undefined', async () => {
    const store = openStateStore(options({ durability: 'batch' }));
    for (let i = 0; i < 10; i += 1) store.put(`/a#r/${i}`, i);
    store.put('/b#r/0', 'other');
    await store.flush();
    store.remove('/a#r/3');
    store.put('/a#r/35', 35);
    const seen: unknown[] = [];
    let after: string | undefined;
    for (let pages = 0; ; pages += 1) {
      const { entries, next } = store.page('/a#r/', after, 4);
      seen.push(...entries.map(([, value]) => value));
      if (next === undefined) break;
      after = next;
      expect(pages).toBeLessThan(5);
    }
    expect(seen).toEqual([0, 1, 2, 35, 4, 5, 6, 7, 8, 9]);
    await store.close();
  });

  it('a batch commit is asynchronous and `flush` waits for it', async () => {
    const store = openStateStore(options({ durability: 'batch', batchMs: 100 }));
    store.put('/a#k', 1);
    store.commitPoint();
    await store.flush();
    expect(store.stats).toMatchObject({ durability: 'batch', commits: 1, pending: 0 });
    await store.close();
  });

  it('clears a store written with another schema version, with one log line', async () => {
    const old = openStateStore(options({ schemaVersion: 0 }));
    old.put('/a#k', 1);
    await old.close();
    const store = openStateStore(options());
    expect(store.get('/a#k')).toBeUndefined();
    expect(lines).toEqual([expect.stringMatching(/has schema 0; this troupe writes schema 1: clearing it, starting with a full resync/)]);
    await store.close();
  });

  it('moves aside a store file LMDB cannot open and starts empty', async () => {
    writeFileSync(join(dir, 'troupe.mdb'), Buffer.from('this is not an LMDB file, just some bytes '.repeat(200)));
    const store = openStateStore(options());
    store.put('/a#k', 1);
    await store.flush();
    expect(store.get('/a#k')).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/cannot be opened .*moved to .*troupe\.mdb\.unreadable/)]);
    expect(readdirSync(dir)).toContain('troupe.mdb.unreadable');
    await store.close();
  });

  it('reports an undecodable value as corrupt state, naming its key', async () => {
    const store = openStateStore(options());
    await store.close();
    const raw = open({ path: join(dir, 'troupe.mdb'), encoding: 'binary' });
    await raw.put('/a#k', Buffer.from([0xc1, 0xc1, 0xc1]));
    await raw.close();
    const again = openStateStore(options());
    expect(() => again.get('/a#k')).toThrow(CorruptStateError);
    expect(() => again.get('/a#k')).toThrow(/"\/a#k"/);
    again.removePrefix('/a#');
    await again.flush();
    expect(again.get('/a#k')).toBeUndefined();
    await again.close();
  });

  it('refuses to start on a state directory it cannot write, with a clear error', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const attempt = () => openStateStore(options({ dir: join(file, 'state') }));
    expect(attempt).toThrow(PersistenceError);
    expect(attempt).toThrow(/state directory .*a-file\/state cannot be written/);
  });

  it('opens nothing with durability off', () => {
    const store = openStateStore(options({ durability: 'off', dir: join(dir, 'never') }));
    store.put('/a#k', 1);
    expect(store.enabled).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});
