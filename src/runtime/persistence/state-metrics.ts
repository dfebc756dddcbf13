/** The state store on `/metrics`: how much is written, committed, and still waiting for a commit. */
import type { Registry } from 'prom-client';
import { computed } from '../inspection/metrics.js';
import type { StateStore } from './state-store.js';

export function registerStateMetrics(registry: Registry, store: StateStore): void {
  computed(registry, 'troupe_state_writes_total', 'Keys written or removed by durable actors (into the commit buffer).', 'counter', () => [{ value: store.stats.writes }]);
  computed(registry, 'troupe_state_commits_total', 'Transactions committed to the state store.', 'counter', () => [{ value: store.stats.commits }]);
  computed(registry, 'troupe_state_pending_writes', 'Writes buffered, waiting for the next commit (lost by a crash in batch mode).', 'gauge', () => [{ value: store.stats.pending }]);
  computed(registry, 'troupe_state_last_commit_seconds', 'How long the last commit took.', 'gauge', () => [{ value: store.stats.lastCommitMs / 1000 }]);
  computed(registry, 'troupe_state_durability', 'Durability mode: 0 off, 1 batch, 2 sync.', 'gauge', () => [{ value: { off: 0, batch: 1, sync: 2 }[store.durability] }]);
}
