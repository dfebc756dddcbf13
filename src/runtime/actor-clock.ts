/**
 * The clock a cell hands to its xstate actor. xstate arms `after` timers and delayed sends through it;
 * when one fires, the callback is not run on the spot but queued to the cell as a system item, so the
 * timer's event is handled in the actor's own turn — one at a time, never re-entrantly, on whatever
 * clock (real or simulated) the system runs on. Cancelling everything on stop is one call.
 */
import type { Clock, TimerId } from './clock.js';

/** The subset of a clock xstate uses (`createActor(logic, { clock })`). */
export interface XstateClock {
  setTimeout(fire: () => void, delayMs: number): TimerId;
  clearTimeout(id: TimerId): void;
}

export class ActorClock {
  readonly #clock: Clock;
  readonly #pending = new Set<TimerId>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get pending(): number {
    return this.#pending.size;
  }

  /** A clock for one incarnation of the actor; `onDue` receives each fired callback to queue. */
  forActor(onDue: (fire: () => void) => void): XstateClock {
    return {
      setTimeout: (fire, delayMs) => {
        const id: TimerId = this.#clock.setTimeout(() => {
          this.#pending.delete(id);
          onDue(fire);
        }, delayMs);
        this.#pending.add(id);
        return id;
      },
      clearTimeout: (id) => {
        this.#clock.clearTimeout(id);
        this.#pending.delete(id);
      },
    };
  }

  cancelAll(): void {
    for (const id of this.#pending) this.#clock.clearTimeout(id);
    this.#pending.clear();
  }
}
