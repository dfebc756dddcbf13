/**
 * When the graph may flush to the dataplane: Felix's async calc graph flushes after each batch of
 * updates, but through a leaky bucket (a token every 10 ms, at most 10 held) so a storm of small
 * batches becomes a few large flushes. InSync always flushes at once. Time comes in as numbers from
 * the caller's clock.
 */
export interface FlushThrottleOptions {
  /** Milliseconds per token. */
  readonly intervalMs?: number;
  /** Tokens the bucket holds when full. */
  readonly burst?: number;
}

export class FlushThrottle {
  readonly #intervalMs: number;
  readonly #burst: number;
  #tokens: number;
  #lastRefillMs: number;

  constructor(nowMs: number, options: FlushThrottleOptions = {}) {
    this.#intervalMs = options.intervalMs ?? 10;
    this.#burst = options.burst ?? 10;
    if (!(this.#intervalMs > 0) || !(this.#burst >= 1)) throw new RangeError('a flush throttle needs intervalMs > 0 and burst ≥ 1');
    this.#tokens = this.#burst;
    this.#lastRefillMs = nowMs;
  }

  /** Takes a token if one is there: true means flush now. */
  tryTake(nowMs: number): boolean {
    this.#refill(nowMs);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until a token will be there (0 if one is now). */
  waitMs(nowMs: number): number {
    this.#refill(nowMs);
    return this.#tokens >= 1 ? 0 : Math.ceil((1 - this.#tokens) * this.#intervalMs);
  }

  #refill(nowMs: number): void {
    const elapsed = Math.max(0, nowMs - this.#lastRefillMs);
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed / this.#intervalMs);
    this.#lastRefillMs = nowMs;
  }
}
