/**
 * Schedulers decide which ready actor runs next. Both are fair: an actor handles at most `throughput`
 * items per turn, then goes to the back of the line.
 *
 *  - `RealTimeScheduler` drains a FIFO run queue in a macrotask (`setImmediate`), yielding to the event
 *    loop after a time slice so I/O and timers keep flowing. An actor that a running turn's sends make
 *    ready runs next (Go's `runnext`), for a bounded number of hand-offs in a row; see below.
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
  /** Turns in a row that may go to actors the previous turn made ready before the line's head runs. */
  readonly handoffTurns?: number;
}

/**
 * Hand-off. With a plain FIFO line, a pipeline under a producer faster than itself runs with its
 * bounded mailboxes near full: a turn cut short at a slice's end leaves a stage a backlog, and once
 * every stage has one, each is served once per round and receives as much as it handles, so nothing
 * drains (a chain of 8 mailboxes of 1,024 held ~5,800 messages on average, measured): every message
 * waits behind thousands, and memory and latency follow the bounds, not the work. Two rules keep
 * queues short:
 *  - the actor that the running turn made ready (the last one, if several) runs right after it, while
 *    what it sent is fresh, as Go's scheduler does with `runnext`; one it displaces goes to the back;
 *  - a turn ends early once one of its sends left a whole turn's worth queued at the target
 *    (`ActorCell.noteTargetDepth`), so a backlog drains towards the pipeline's end instead of being
 *    refilled.
 * Together they hold that chain to ~1,000 queued messages (the first mailbox, which the producer keeps
 * full, and about a turn per stage). Fairness holds because hand-offs are bounded: after `handoffTurns`
 * in a row (default 16) the ready actor goes to the back of the line and the line's head runs, so two
 * actors messaging each other cannot keep the others waiting longer than that.
 */
const DEFAULT_HANDOFF_TURNS = 16;

export class RealTimeScheduler implements Scheduler {
  readonly mode = 'real' as const;
  readonly #queue = new RingQueue<Runnable>(64);
  readonly #clock: Clock;
  readonly #throughput: number;
  readonly #sliceMs: number;
  readonly #handoffTurns: number;
  #armed = false;
  /** True while a drain runs turns: a cell made ready now is one a turn's sends woke. */
  #draining = false;
  /** The cell the running turn made ready last: it runs next (see "Hand-off" above). */
  #runNext: Runnable | undefined;
  /** Whether the cell `#next` returned was a hand-off (the run-next cell) rather than the line's head. */
  #handedOff = false;

  constructor(clock: Clock, options: RealTimeSchedulerOptions = {}) {
    this.#clock = clock;
    this.#throughput = options.throughput ?? 100;
    this.#sliceMs = options.sliceMs ?? 10;
    this.#handoffTurns = options.handoffTurns ?? DEFAULT_HANDOFF_TURNS;
  }

  schedule(cell: Runnable): void {
    if (cell.scheduled || !cell.hasWork()) return;
    cell.scheduled = true;
    if (this.#draining) {
      if (this.#runNext !== undefined) this.#queue.push(this.#runNext);
      this.#runNext = cell;
      return;
    }
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
    this.#draining = true;
    const deadline = this.#clock.now() + this.#sliceMs;
    let turns = 0;
    let handoffs = 0;
    for (let cell = this.#next(handoffs); cell !== undefined; cell = this.#next(handoffs)) {
      handoffs = this.#handedOff ? handoffs + 1 : 0;
      // A turn stops at the deadline too: one message may carry a large batch, and the event loop
      // (the inspection endpoint, sockets, timers) must get its turn every slice.
      cell.processTurn(this.#throughput, deadline);
      if (cell.hasWork()) this.#queue.push(cell);
      else cell.scheduled = false;
      turns += 1;
      if ((turns & 15) === 0 && this.#clock.now() >= deadline) break;
    }
    this.#draining = false;
    if (this.#runNext !== undefined) this.#queue.push(this.#runNext);
    this.#runNext = undefined;
    if (this.#queue.length > 0) this.#arm();
  };

  /** The run-next cell while hand-offs are left, else the line's head (the run-next cell queues behind it). */
  #next(handoffs: number): Runnable | undefined {
    const runNext = this.#runNext;
    this.#runNext = undefined;
    if (runNext !== undefined && handoffs < this.#handoffTurns) {
      this.#handedOff = true;
      return runNext;
    }
    if (runNext !== undefined) this.#queue.push(runNext);
    this.#handedOff = false;
    return this.#queue.shift();
  }
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
