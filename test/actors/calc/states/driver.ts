/**
 * Drives a calc graph through a list of states the way Felix's calc_graph_fv_test.go does: from each
 * state to the next by KV deltas (deletions first, then new and changed keys in state order), with a
 * flush strategy, checking the dataplane view after each state (or only at the end). Felix's
 * expansions of a state list live here too. The graph is anything with this small surface, so the
 * fused and the actor wirings run the same states.
 */
import type { DataplaneView } from '../../../../src/actors/calc/output/dataplane-state.js';
import type { SyncStatus } from '../../../../src/actors/calc/graph/events.js';
import { EMPTY, State, comparableView, recordKey } from './state.js';
import type { ExpectedView, RawRecord } from './state.js';

export interface GraphUnderTest {
  onRecords(records: readonly unknown[]): void | Promise<void>;
  onStatus(status: SyncStatus): void | Promise<void>;
  flush(): void | Promise<void>;
  view(): DataplaneView | Promise<DataplaneView>;
}

export type FlushStrategy = 'after each KV' | 'after each KV, every update twice' | 'after each state' | 'only at the end';
export const FLUSH_STRATEGIES: readonly FlushStrategy[] = ['after each KV', 'after each KV, every update twice', 'after each state', 'only at the end'];

export function kvDeltas(previous: State, next: State): RawRecord[] {
  const nextKeys = new Map(next.kvs.map((kv) => [recordKey(kv), kv]));
  const previousByKey = new Map(previous.kvs.map((kv) => [recordKey(kv), kv]));
  const deletions = previous.kvs.filter((kv) => !nextKeys.has(recordKey(kv))).map((kv) => ({ ...kv, value: null }));
  const changes = next.kvs.filter((kv) => JSON.stringify(previousByKey.get(recordKey(kv))?.value) !== JSON.stringify(kv.value));
  return [...deletions, ...changes];
}

export interface Checkpoint {
  readonly state: string;
  readonly expected: ExpectedView;
  readonly actual: ExpectedView;
}

/**
 * Runs the states; returns the view after each checked state (expected and actual) for the caller to
 * assert. With `inSyncAfterFirst`, the graph is resyncing until the first state is loaded.
 */
export async function driveStates(graph: GraphUnderTest, states: readonly State[], strategy: FlushStrategy, options: { inSyncAfterFirst?: boolean } = {}): Promise<Checkpoint[]> {
  const checkpoints: Checkpoint[] = [];
  await graph.onStatus(options.inSyncAfterFirst === true ? 'ResyncInProgress' : 'InSync');
  let previous = EMPTY;
  for (const [index, state] of states.entries()) {
    for (const record of kvDeltas(previous, state)) {
      await graph.onRecords([record]);
      if (strategy === 'after each KV, every update twice') await graph.onRecords([record]);
      if (strategy.startsWith('after each KV')) await graph.flush();
    }
    if (index === 0 && options.inSyncAfterFirst === true) await graph.onStatus('InSync');
    if (strategy !== 'only at the end') {
      await graph.flush();
      checkpoints.push({ state: state.name, expected: state.expected, actual: comparableView(await graph.view()) });
    }
    previous = state;
  }
  await graph.flush();
  const last = states.at(-1) ?? EMPTY;
  checkpoints.push({ state: `${last.name} (final)`, expected: last.expected, actual: comparableView(await graph.view()) });
  return checkpoints;
}

export type Expansion = (states: readonly State[]) => readonly State[];

/** Felix's expanders: the same states in other orders, with empty states between them. */
export const EXPANSIONS: Readonly<Record<string, Expansion>> = {
  identity: (states) => states,
  'reversed KV order': (states) => states.map((state) => new State(`${state.name} (KVs reversed)`, [...state.kvs].reverse(), state.expected)),
  'reversed state order': (states) => [...states].reverse(),
  'empty states inserted': (states) => states.flatMap((state) => [EMPTY, state]),
};
