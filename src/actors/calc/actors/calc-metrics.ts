/**
 * The calc pipeline's metrics, after Felix's: updates processed per record type, time per calc
 * message, active local policies and selectors, selector evaluations, and the resync state — plus
 * the graph's edges for the inspection page.
 */
import type { Registry } from 'prom-client';
import { HISTOGRAM_BOUNDS_MS } from '../../../runtime/histogram.js';
import type { HistogramSummary } from '../../../runtime/histogram.js';
import { computed, histogramValues } from '../../../runtime/inspection/metrics.js';
import type { ActorSystem } from '../../../runtime/system.js';
import type { CalcFigures } from './calc-figures.js';
import { CALC_PATHS, calcStages, stageDefinition } from './stages.js';

const RESYNC_STATE = { WaitForDatastore: 0, ResyncInProgress: 1, InSync: 2 } as const;

/** Who sends to whom in the actor wiring (with the member calculator in `memberShards` shards): every stage's inputs. */
export function calcEdges(memberShards = 1): { from: string; to: string }[] {
  const options = { hostname: '', suppressOverlaps: true, memberShards };
  const edges = calcStages(memberShards).flatMap(([to, name]) => stageDefinition(name, options, to).inputs.map((from) => ({ from, to })));
  return [...edges, { from: CALC_PATHS.sequencer, to: CALC_PATHS.dataplane }];
}

function mergedCalcHistogram(system: ActorSystem): HistogramSummary {
  const stages = system.actors().filter((actor) => actor.kind === 'actor' && actor.path.startsWith(`${CALC_PATHS.supervisor}/`));
  const buckets = HISTOGRAM_BOUNDS_MS.map((leMs, index) => ({ leMs, count: stages.reduce((sum, actor) => sum + (actor.processingTime.buckets[index]?.count ?? 0), 0) }));
  buckets.push({ leMs: Number.POSITIVE_INFINITY, count: stages.reduce((sum, actor) => sum + actor.processingTime.count, 0) });
  return { count: buckets.at(-1)!.count, sumMs: stages.reduce((sum, actor) => sum + actor.processingTime.sumMs, 0), maxMs: 0, p50Ms: 0, p99Ms: 0, buckets };
}

export function registerCalcMetrics(registry: Registry, figures: CalcFigures, system: ActorSystem): void {
  computed(registry, 'troupe_calc_updates_processed_total', 'Datastore updates taken by the calc graph, by record type.', 'counter',
    () => [...figures.updatesByType].map(([type, value]) => ({ labels: { type }, value })));
  computed(registry, 'troupe_calc_update_seconds', 'Time the calc actors spent per message (a batch of updates).', 'histogram',
    () => histogramValues('troupe_calc_update_seconds', {}, mergedCalcHistogram(system)));
  computed(registry, 'troupe_active_local_policies', 'Policies that apply to an endpoint on this node.', 'gauge', () => [{ value: figures.activePolicies }]);
  computed(registry, 'troupe_active_local_selectors', 'Selector IP sets in use by the active policies and profiles.', 'gauge', () => [{ value: figures.activeSelectors }]);
  computed(registry, 'troupe_label_index_selector_evals_total', 'Selector evaluations against endpoint labels.', 'counter',
    () => [...figures.selectorEvaluations].map(([index, value]) => ({ labels: { index }, value })));
  computed(registry, 'troupe_resync_state', 'Datastore status: 0 waiting for the datastore, 1 resyncing, 2 in sync.', 'gauge', () => [{ value: RESYNC_STATE[figures.syncStatus] }]);
}
