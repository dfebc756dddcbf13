/**
 * Schedulers decide which ready actor runs next. Both are fair: an actor handles at most `throughput`
 * items per turn, then goes to the back of the line.
 *
 *  - `RealTimeScheduler` drains a FIFO run queue in a macrotask (`setImmediate`), yielding to the event
 *    loop after a time slice so I/O and timers keep flowing.
 *  - `SimulatedScheduler` never runs on its own: the simulation calls `step()`, and a seeded PRNG picks
 *    which ready actor goes next, so one seed is one interleaving, replayable.
 */
import type { Clock } from './clock.js';
import type { Random } from './random.js';
import { RingQueue } from './ring-queue.js';

/** What a scheduler runs: an actor cell, seen narrowly. */
export interface Runnable {
  readonly path: string;
  scheduled: boolean;
  hasWork(): boolean;
  /** Handles at most `max` items, stopping early once the clock passes `deadline` (if given). */
  processTurn(max: number, deadline?: number): number;
}

export interface Scheduler {
  readonly mode: 'real' | 'simulated';
  /** `cell` may have work: run it eventually. Idempotent while it is queued. */
  schedule(cell: Runnable): void;
}

export interface RealTimeSchedulerOptions {
  readonly throughput?: number;
  /** Yield to the event loop after this many milliseconds of work. */
  readonly sliceMs?: number;
}

export class RealTimeScheduler implements Scheduler {
  readonly mode = 'real' as const;
  readonly #queue = new RingQueue<Runnable>(64);
  readonly #clock: Clock;
  readonly #throughput: number;
  readonly #sliceMs: number;
  #armed = false;

  constructor(clock: Clock, options: RealTimeSchedulerOptions = {}) {
    this.#clock = clock;
    this.#throughput = options.throughput ?? 100;
    this.#sliceMs = options.sliceMs ?? 10;
  }

  schedule(cell: Runnable): void {
    if (cell.scheduled || !cell.hasWork()) return;
    cell.scheduled = true;
    this.#queue.push(cell);
    this.#arm();
  }

  #arm(): void {
    if (this.#armed) return;
    this.#armed = true;
    setImmediate(this.#drain);
  }

  readonly #drain = (): void => {
    this.#armed = false;
    const deadline = this.#clock.now() + this.#sliceMs;
    let turns = 0;
    for (let cell = this.#queue.shift(); cell !== undefined; cell = this.#queue.shift()) {
      // A turn stops at the deadline too: one message may carry a large batch, and the event loop
      // (the inspection endpoint, sockets, timers) must get its turn every slice.
      cell.processTurn(this.#throughput, deadline);
      if (cell.hasWork()) this.#queue.push(cell);
      else cell.scheduled = false;
      turns += 1;
      if ((turns & 15) === 0 && this.#clock.now() >= deadline) break;
    }
    if (this.#queue.length > 0) this.#arm();
  };
}

export interface SimulatedStep {
  readonly path: string;
  readonly processed: number;
}

export class SimulatedScheduler implements Scheduler {
  readonly mode = 'simulated' as const;
  /** Ready cells in the order they became ready; the PRNG picks an index. */
  readonly #ready: Runnable[] = [];
  readonly #random: Random;
  readonly #throughput: number;

  constructor(random: Random, options: { throughput?: number } = {}) {
    this.#random = random;
    this.#throughput = options.throughput ?? 1;
  }

  get readyCount(): number {
    return this.#ready.length;
  }

  schedule(cell: Runnable): void {
    if (cell.scheduled || !cell.hasWork()) return;
    cell.scheduled = true;
    this.#ready.push(cell);
  }

  /** Runs one seeded-random ready cell for one turn. Returns undefined when nothing is ready. */
  step(): SimulatedStep | undefined {
    while (this.#ready.length > 0) {
      const index = this.#ready.length === 1 ? 0 : this.#random.int(0, this.#ready.length - 1);
      const cell = this.#ready.splice(index, 1)[0]!;
      if (!cell.hasWork()) {
        cell.scheduled = false;
        continue;
      }
      const processed = cell.processTurn(this.#throughput);
      if (cell.hasWork()) this.#ready.push(cell);
      else cell.scheduled = false;
      return { path: cell.path, processed };
    }
    return undefined;
  }
}
