/**
 * Notices when an actor's xstate state value changes, for the `actor.state-changed` event. Values are
 * compared by their JSON form (xstate builds a new value object per transition); the first value seen
 * after a (re)start is recorded without an event.
 */
export class StateTracker {
  #lastKey: string | undefined;
  #lastValue: unknown;

  /** Forget the last value (the actor was restarted). */
  reset(): void {
    this.#lastKey = undefined;
    this.#lastValue = undefined;
  }

  /** Returns the previous value when `value` differs from it, else `NO_CHANGE`. */
  observe(value: unknown): unknown {
    const key = JSON.stringify(value) ?? 'undefined';
    if (key === this.#lastKey) return NO_CHANGE;
    const first = this.#lastKey === undefined;
    const previous = this.#lastValue;
    this.#lastKey = key;
    this.#lastValue = value;
    return first ? NO_CHANGE : previous;
  }
}

export const NO_CHANGE = Symbol('no-change');
