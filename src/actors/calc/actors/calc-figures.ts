/**
 * Figures the calc actors keep for the metrics endpoint (after Felix's own metrics): updates taken per
 * record type, active policies and selectors, selector evaluations, the datastore status. Each actor
 * writes its own fields after a message; the metrics collector only reads. The calculators' figures
 * live in shared memory (`shared`), so a calculator on a worker thread writes where main reads; the
 * source's (updates per type, status) stay on main with it.
 */
import type { SyncStatus } from '../graph/events.js';

const ACTIVE_POLICIES = 0;
const ACTIVE_SELECTORS = 1;
const EVALUATIONS = { policies: 2, 'ip-sets': 3 } as const;
export type LabelIndexName = keyof typeof EVALUATIONS;

export class CalcFigures {
  readonly updatesByType = new Map<string, number>();
  syncStatus: SyncStatus = 'WaitForDatastore';
  /** The calculators' figures, one float each. */
  readonly shared: SharedArrayBuffer;
  readonly #values: Float64Array;

  /** `shared`: the figures of a graph created elsewhere (a worker's view of main's). */
  constructor(shared = new SharedArrayBuffer(4 * Float64Array.BYTES_PER_ELEMENT)) {
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
    return new Map(Object.entries(EVALUATIONS).map(([name, index]) => [name as LabelIndexName, this.#values[index]!]));
  }

  setSelectorEvaluations(index: LabelIndexName, count: number): void {
    this.#values[EVALUATIONS[index]] = count;
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
