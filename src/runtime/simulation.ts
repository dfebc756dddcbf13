/**
 * Deterministic simulation: a system on a `SimulatedClock` whose run queue is a `SimulatedScheduler`
 * driven by a seeded PRNG. Nothing runs unless the simulation is stepped; one seed gives one
 * interleaving, one trace, one result, so a failing scenario replays from its seed. Everything stays on
 * one thread (later worker placement is ignored in simulation, for determinism).
 */
import { ActorSystem } from './system.js';
import type { SupervisorSpawnOptions, SystemFailure } from './system.js';
import { SimulatedClock } from './clock.js';
import type { RuntimeEvent } from './events.js';
import { createRandom } from './random.js';
import { SimulatedScheduler } from './scheduler.js';

export interface SimulationOptions {
  readonly seed: number;
  readonly root?: SupervisorSpawnOptions;
  readonly startMs?: number;
  /** Messages an actor handles per scheduling turn; 1 explores the most interleavings. */
  readonly throughput?: number;
}

export interface RunOptions {
  /** Stop once the clock would pass this time (timers later than it stay pending). */
  readonly untilMs?: number;
  /** Guard against livelock: at most this many scheduling steps. */
  readonly maxSteps?: number;
}

/** Lets every pending promise continuation run (a sender unblocked, an ask resolved). */
function settleMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class Simulation {
  readonly seed: number;
  readonly clock: SimulatedClock;
  readonly scheduler: SimulatedScheduler;
  readonly system: ActorSystem;
  /** Every runtime event, in order. */
  readonly events: RuntimeEvent[] = [];
  /** One line per event: the replayable fingerprint of a run. */
  readonly trace: string[] = [];
  failure: SystemFailure | undefined;
  steps = 0;

  constructor(options: SimulationOptions) {
    this.seed = options.seed;
    this.clock = new SimulatedClock(options.startMs ?? 0);
    const random = createRandom(options.seed);
    this.scheduler = new SimulatedScheduler(random, { throughput: options.throughput ?? 1 });
    this.system = new ActorSystem({
      clock: this.clock,
      scheduler: this.scheduler,
      random,
      ...(options.root === undefined ? {} : { root: options.root }),
      onFatal: (failure) => { this.failure = failure; },
    });
    this.system.events.subscribe((event) => {
      this.events.push(event);
      this.trace.push(formatEvent(event));
    });
  }

  /** Runs ready actors and due timers until nothing is left to do (or `untilMs` is reached). */
  async runUntilIdle(options: RunOptions = {}): Promise<void> {
    const limit = options.untilMs ?? Number.POSITIVE_INFINITY;
    const maxSteps = options.maxSteps ?? 5_000_000;
    for (;;) {
      while (this.scheduler.step() !== undefined) {
        this.steps += 1;
        if (this.steps > maxSteps) throw new Error(`simulation (seed ${this.seed}) exceeded ${maxSteps} steps: livelock?`);
      }
      await settleMicrotasks();
      if (this.scheduler.readyCount > 0) continue;
      if (this.clock.fireNext(limit)) continue;
      await settleMicrotasks();
      if (this.scheduler.readyCount === 0) return;
    }
  }

  /**
   * Runs at most `steps` scheduling steps (firing due timers when nothing is ready) and stops there,
   * mid-run: the moment a crash test kills the process. True if the system went idle first.
   */
  async runSteps(steps: number): Promise<boolean> {
    let left = steps;
    for (;;) {
      while (left > 0 && this.scheduler.step() !== undefined) {
        this.steps += 1;
        left -= 1;
      }
      if (left === 0) return false;
      await settleMicrotasks();
      if (this.scheduler.readyCount > 0) continue;
      if (this.clock.fireNext(Number.POSITIVE_INFINITY)) continue;
      await settleMicrotasks();
      if (this.scheduler.readyCount === 0) return true;
    }
  }

  /** Moves simulated time forward by `ms`, running everything that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.clock.now() + ms;
    await this.runUntilIdle({ untilMs: target });
    this.clock.advance(target - this.clock.now());
    await this.runUntilIdle({ untilMs: target });
  }

  /** Graceful shutdown of the whole system, driven to completion. */
  async shutdown(): Promise<void> {
    const done = this.system.shutdown();
    await this.runUntilIdle();
    await done;
  }

  /** Events of one type, narrowed. */
  eventsOf<T extends RuntimeEvent['type']>(type: T): Extract<RuntimeEvent, { type: T }>[] {
    return this.events.filter((event): event is Extract<RuntimeEvent, { type: T }> => event.type === type);
  }
}

export function formatEvent(event: RuntimeEvent): string {
  const { type, at, path } = event;
  switch (event.type) {
    case 'actor.processed': return `${at} ${type} ${path} ${event.messageType}`;
    case 'actor.crashed': return `${at} ${type} ${path} ${event.messageType ?? '-'} ${event.error.message}`;
    case 'actor.restart-scheduled': return `${at} ${type} ${path} +${event.delayMs}ms`;
    case 'actor.state-changed': return `${at} ${type} ${path} ${JSON.stringify(event.from)}->${JSON.stringify(event.to)}`;
    case 'actor.dead-lettered': return `${at} ${type} ${path} ${event.messageType} ${event.reason}`;
    case 'mailbox.overflow': return `${at} ${type} ${path} ${event.action}`;
    case 'actor.stopped': return `${at} ${type} ${path} ${event.reason}`;
    default: return `${at} ${type} ${path}`;
  }
}
