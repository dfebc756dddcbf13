/**
 * Figures the calc actors keep for the metrics endpoint (after Felix's own metrics): updates taken per
 * record type, active policies and selectors, selector evaluations, the datastore status. Each actor
 * writes its own fields after a message; the metrics collector only reads. Plain numbers, so a
 * worker-thread placement can ship them as a message.
 */
import type { SyncStatus } from '../graph/events.js';

export class CalcFigures {
  readonly updatesByType = new Map<string, number>();
  activePolicies = 0;
  activeSelectors = 0;
  /** Per label index (policies in the ARC, IP sets in the member calculator). */
  readonly selectorEvaluations = new Map<string, number>();
  syncStatus: SyncStatus = 'WaitForDatastore';

  countUpdate(type: string): void {
    this.updatesByType.set(type, (this.updatesByType.get(type) ?? 0) + 1);
  }

  get totalSelectorEvaluations(): number {
    let total = 0;
    for (const count of this.selectorEvaluations.values()) total += count;
    return total;
  }
}
