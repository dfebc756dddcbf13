/**
 * Figures the calc actors keep for the metrics endpoint (after Felix's own metrics): updates taken per
 * record type, active policies and selectors, selector evaluations, the datastore status. Each actor
 * writes its own fields after a message; the metrics collector only reads. The calculators' figures
 * live in shared memory (`shared`), so a calculator on a worker thread writes where main reads; the
 * source's (updates per type, status) stay on main with it.
 */
import type { SyncStatus } from '../graph/events.js';
import { MAX_MEMBER_SHARDS } from './member-shards.js';

const ACTIVE_POLICIES = 0;
const ACTIVE_SELECTORS = 1;
/** Where each label index's evaluations start; the IP sets' has one part per member shard (0: unsharded). */
const EVALUATIONS = { policies: 2, 'ip-sets': 3 } as const;
const PARTS = { policies: 1, 'ip-sets': 1 + MAX_MEMBER_SHARDS } as const;
const SLOTS = 3 + PARTS['ip-sets'];
export type LabelIndexName = keyof typeof EVALUATIONS;

export class CalcFigures {
  readonly updatesByType = new Map<string, number>();
  syncStatus: SyncStatus = 'WaitForDatastore';
  /** The calculators' figures, one float each. */
  readonly shared: SharedArrayBuffer;
  readonly #values: Float64Array;

  /** `shared`: the figures of a graph created elsewhere (a worker's view of main's). */
  constructor(shared = new SharedArrayBuffer(SLOTS * Float64Array.BYTES_PER_ELEMENT)) {
    this.shared = shared;
    this.#values = new Float64Array(shared);
  }

  get activePolicies(): number {
    return this.#values[ACTIVE_POLICIES]!;
  }

  set activePolicies(value: number) {
    this.#values[ACTIVE_POLICIES] = value;
  }

  get activeSelectors(): number {
    return this.#values[ACTIVE_SELECTORS]!;
  }

  set activeSelectors(value: number) {
    this.#values[ACTIVE_SELECTORS] = value;
  }

  /** Per label index (policies in the ARC, IP sets in the member calculator). */
  get selectorEvaluations(): ReadonlyMap<LabelIndexName, number> {
    return new Map(Object.entries(EVALUATIONS).map(([name, start]) => {
      let total = 0;
      for (let part = 0; part < PARTS[name as LabelIndexName]; part += 1) total += this.#values[start + part]!;
      return [name as LabelIndexName, total];
    }));
  }

  /** `part`: which member shard counted them (each writes its own slot; readers see the sum). */
  setSelectorEvaluations(index: LabelIndexName, count: number, part = 0): void {
    this.#values[EVALUATIONS[index] + part] = count;
  }

  countUpdate(type: string): void {
    this.updatesByType.set(type, (this.updatesByType.get(type) ?? 0) + 1);
  }

  get totalSelectorEvaluations(): number {
    let total = 0;
    for (const count of this.selectorEvaluations.values()) total += count;
    return total;
  }
}
