/**
 * A fixed-bucket latency histogram cheap enough to record every message: exponential bucket bounds
 * from 1 µs to ~16 s, one array increment per sample. Bounds match what a Prometheus histogram
 * (a later issue) exports, so no re-bucketing is needed.
 */

/** Upper bounds in milliseconds: 0.001, 0.002, 0.004, … (powers of two), then +Inf. */
export const HISTOGRAM_BOUNDS_MS: readonly number[] = Array.from({ length: 25 }, (_, i) => 0.001 * 2 ** i);

export interface HistogramSummary {
  readonly count: number;
  readonly sumMs: number;
  readonly maxMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Cumulative counts per upper bound (the last bucket is +Inf). */
  readonly buckets: readonly { readonly leMs: number; readonly count: number }[];
}

export class Histogram {
  readonly #counts = new Float64Array(HISTOGRAM_BOUNDS_MS.length + 1);
  #count = 0;
  #sum = 0;
  #max = 0;

  record(valueMs: number): void {
    let index = 0;
    // Branchy linear scan beats log2 for the common sub-10-µs case (the first few buckets).
    while (index < HISTOGRAM_BOUNDS_MS.length && valueMs > HISTOGRAM_BOUNDS_MS[index]!) index += 1;
    this.#counts[index]! += 1;
    this.#count += 1;
    this.#sum += valueMs;
    if (valueMs > this.#max) this.#max = valueMs;
  }

  get count(): number {
    return this.#count;
  }

  summary(): HistogramSummary {
    const buckets: { leMs: number; count: number }[] = [];
    let cumulative = 0;
    for (let i = 0; i < this.#counts.length; i += 1) {
      cumulative += this.#counts[i]!;
      buckets.push({ leMs: HISTOGRAM_BOUNDS_MS[i] ?? Number.POSITIVE_INFINITY, count: cumulative });
    }
    return {
      count: this.#count,
      sumMs: this.#sum,
      maxMs: this.#max,
      p50Ms: this.#quantile(0.5),
      p99Ms: this.#quantile(0.99),
      buckets,
    };
  }

  /** Upper bound of the bucket holding the q-quantile (an over-estimate, as Prometheus' is). */
  #quantile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = q * this.#count;
    let cumulative = 0;
    for (let i = 0; i < this.#counts.length; i += 1) {
      cumulative += this.#counts[i]!;
      if (cumulative >= rank) return Math.min(HISTOGRAM_BOUNDS_MS[i] ?? this.#max, this.#max);
    }
    return this.#max;
  }
}
