/**
 * The pure part of supervision, with Erlang/OTP semantics (design/runtime.md §2.1):
 *  - which children a crash takes down (one-for-one, one-for-all, rest-for-one);
 *  - whether a child is restarted at all (permanent, transient, temporary);
 *  - restart intensity: more than `maxRestarts` restarts within `withinMs` and the supervisor gives up;
 *  - backoff: exponential from `minMs` to `maxMs`, stretched by up to `jitter` (a fraction), reset once a
 *    child has run for `resetAfterMs` without crashing (Akka's `withResetBackoffAfter`).
 * No clock and no randomness here: callers pass `now` and a uniform draw in [0, 1).
 */

export type Strategy = 'one-for-one' | 'one-for-all' | 'rest-for-one';
export type ChildKind = 'permanent' | 'transient' | 'temporary';
export type ExitReason = 'normal' | 'shutdown' | 'crashed';

export interface Intensity {
  readonly maxRestarts: number;
  readonly withinMs: number;
}

export interface Backoff {
  readonly minMs: number;
  readonly maxMs: number;
  /** Fraction: a delay d becomes d × (1 + jitter × u) for a uniform u in [0, 1). */
  readonly jitter: number;
  readonly resetAfterMs: number;
}

export interface SupervisorOptions {
  readonly strategy: Strategy;
  readonly intensity: Intensity;
  readonly backoff: Backoff;
}

export const DEFAULT_SUPERVISOR_OPTIONS: SupervisorOptions = {
  strategy: 'one-for-one',
  intensity: { maxRestarts: 10, withinMs: 10_000 },
  backoff: { minMs: 10, maxMs: 10_000, jitter: 0.2, resetAfterMs: 10_000 },
};

/** Erlang: permanent always restarts; transient only after an abnormal exit; temporary never. */
export function shouldRestart(kind: ChildKind, reason: ExitReason): boolean {
  if (kind === 'permanent') return true;
  if (kind === 'transient') return reason === 'crashed';
  return false;
}

/**
 * Restart timestamps still inside the intensity window, and whether one more restart is allowed.
 * Erlang: "If more than MaxR restarts occur in the last MaxT seconds, the supervisor terminates".
 */
export function checkIntensity(
  restartLog: readonly number[],
  nowMs: number,
  intensity: Intensity,
): { readonly window: number[]; readonly allowed: boolean } {
  const window = restartLog.filter((at) => at > nowMs - intensity.withinMs);
  return { window, allowed: window.length < intensity.maxRestarts };
}

/** Backoff before restart number `consecutive` (0-based) of one child. */
export function backoffDelayMs(backoff: Backoff, consecutive: number, uniform: number): number {
  const base = Math.min(backoff.maxMs, backoff.minMs * 2 ** consecutive);
  return Math.round(base * (1 + backoff.jitter * uniform));
}

/**
 * The children a crash of `failedIndex` takes down, in start order. `alive` says which children are
 * candidates (not already gone for good).
 */
export function restartGroup<T>(strategy: Strategy, children: readonly T[], failedIndex: number, alive: (child: T) => boolean): T[] {
  switch (strategy) {
    case 'one-for-one':
      return [children[failedIndex]!];
    case 'one-for-all':
      return children.filter((child, index) => index === failedIndex || alive(child));
    case 'rest-for-one':
      return children.filter((child, index) => index === failedIndex || (index > failedIndex && alive(child)));
  }
}
