/**
 * `/metrics`: Prometheus text through prom-client — the runtime's figures per actor, any pipeline
 * metrics a caller adds, and Node's process metrics. Every value is read when scraped (nothing is
 * counted twice on the message path): metrics are computed collectors over `system.actors()`.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Metric } from 'prom-client';
import type { HistogramSummary } from '../histogram.js';
import type { ActorStats } from '../stats.js';

export interface MetricValue {
  readonly labels?: Record<string, string | number>;
  readonly value: number;
  readonly metricName?: string;
}

/** A metric whose values are computed at scrape time. */
export function computed(registry: Registry, name: string, help: string, type: 'gauge' | 'counter' | 'histogram', values: () => MetricValue[]): void {
  const metric = { name, help, type, aggregator: 'sum', get: () => Promise.resolve({ name, help, type, aggregator: 'sum', values: values() }) };
  registry.registerMetric(metric as unknown as Metric);
}

/** Prometheus histogram lines (`_bucket`, `_sum`, `_count`) in seconds from a histogram kept in ms. */
export function histogramValues(name: string, labels: Record<string, string>, summary: HistogramSummary): MetricValue[] {
  const values: MetricValue[] = summary.buckets.map((bucket) => ({
    metricName: `${name}_bucket`,
    labels: { ...labels, le: Number.isFinite(bucket.leMs) ? String(bucket.leMs / 1000) : '+Inf' },
    value: bucket.count,
  }));
  values.push({ metricName: `${name}_sum`, labels, value: summary.sumMs / 1000 }, { metricName: `${name}_count`, labels, value: summary.count });
  return values;
}

export function runtimeRegistry(actors: () => readonly ActorStats[]): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'troupe_' });
  const perActor = (pick: (actor: ActorStats) => number) => () => actors().map((actor) => ({ labels: { actor: actor.path }, value: pick(actor) }));
  computed(registry, 'troupe_actor_mailbox_depth', 'Messages waiting in the mailbox.', 'gauge', perActor((actor) => actor.mailbox.depth));
  computed(registry, 'troupe_actor_mailbox_high_water', 'The deepest the mailbox has been.', 'gauge', perActor((actor) => actor.mailbox.highWater));
  computed(registry, 'troupe_actor_messages_processed_total', 'Messages handled.', 'counter', perActor((actor) => actor.mailbox.processed));
  computed(registry, 'troupe_actor_messages_dropped_total', 'Messages dropped by the overflow policy.', 'counter', perActor((actor) => actor.mailbox.dropped));
  computed(registry, 'troupe_actor_dead_letters_total', 'Messages dead-lettered.', 'counter', perActor((actor) => actor.mailbox.deadLettered));
  computed(registry, 'troupe_actor_restarts_total', 'Restarts by the supervisor.', 'counter', perActor((actor) => actor.restarts));
  computed(registry, 'troupe_actor_processing_seconds', 'Time to handle one message.', 'histogram',
    () => actors().filter((actor) => actor.kind === 'actor').flatMap((actor) => histogramValues('troupe_actor_processing_seconds', { actor: actor.path }, actor.processingTime)));
  return registry;
}
