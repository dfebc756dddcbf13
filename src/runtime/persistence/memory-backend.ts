/**
 * The in-memory twin of the LMDB backend. Committed values are deep copies (as an encoding would
 * make), so state that changes after a commit does not change what is stored. A test "kills" the
 * process by dropping the StateStore and opening a new one on the same backend: only committed
 * writes survive. `corrupt(key)` makes a stored value undecodable, as a damaged page would.
 */
import { CorruptStateError } from './state-store.js';
import type { StoreBackend } from './state-store.js';

const UNDECODABLE = Symbol('undecodable');

export class MemoryBackend implements StoreBackend {
  readonly data = new Map<string, unknown>();
  commits = 0;

  get(key: string): unknown {
    const value = this.data.get(key);
    if (value === UNDECODABLE) throw new CorruptStateError(key, new Error('invalid encoding'));
    return value === undefined ? undefined : structuredClone(value);
  }

  *range(prefix: string, after?: string, limit = Number.POSITIVE_INFINITY): Iterable<readonly [string, unknown]> {
    let count = 0;
    for (const key of this.keys(prefix)) {
      if (after !== undefined && key <= after) continue;
      if (count === limit) return;
      count += 1;
      yield [key, this.get(key)] as const;
    }
  }

  keys(prefix: string): string[] {
    return [...this.data.keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  commit(writes: ReadonlyMap<string, unknown>, deleted: symbol): void {
    for (const [key, value] of writes) {
      if (value === deleted) this.data.delete(key);
      else this.data.set(key, structuredClone(value));
    }
    this.commits += 1;
  }

  corrupt(key: string): void {
    this.data.set(key, UNDECODABLE);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
