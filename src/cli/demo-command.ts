/**
 * `troupe demo`: a small pipeline of actors (src/actors/demo) on the real clock or under deterministic
 * simulation, narrating what the runtime does: records flowing, a crash, restarts with backoff, a
 * dead-lettered poison message.
 * Exit codes: 0 when the pipeline finished and stopped cleanly, 1 when the root supervisor gave up.
 */
import { spawnDemoPipeline } from '../actors/demo/pipeline.js';
import { realClock } from '../runtime/clock.js';
import type { Clock } from '../runtime/clock.js';
import type { RuntimeEvent } from '../runtime/events.js';
import { createLogger } from '../runtime/logger.js';
import { Simulation } from '../runtime/simulation.js';
import { ActorSystem } from '../runtime/system.js';
import type { SystemFailure } from '../runtime/system.js';

export interface DemoOptions {
  readonly clock: 'real' | 'simulated';
  readonly seed: number;
  readonly records: number;
  readonly intervalMs: number;
  readonly crash: readonly string[];
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}

/**
 * The agent's root is strict (Erlang's advice for a top-level supervisor): restarts multiply down the
 * tree, so a subsystem that fails twice within a minute even after its own restarts ends the process.
 */
const AGENT_ROOT = { intensity: { maxRestarts: 2, withinMs: 60_000 } };

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;

/** One line of narration per interesting runtime event; quiet about the routine ones. */
export function narrate(event: RuntimeEvent): string | undefined {
  switch (event.type) {
    case 'actor.crashed':
      return `${event.path} crashed${event.messageType === undefined ? '' : ` on ${event.messageType}`}: ${event.error.message}`;
    case 'actor.restart-scheduled':
      return `${event.path} restarts in ${event.delayMs} ms (restart ${event.restarts})`;
    case 'actor.restarted':
      return `${event.path} restarted`;
    case 'actor.dead-lettered':
      return `dead letter: ${event.messageType} to ${event.path} (${event.reason}${event.crashCount > 0 ? `, crashed it ${event.crashCount}×` : ''})`;
    case 'supervisor.gave-up':
      return `${event.path} gave up: ${event.error.message}`;
    case 'actor.stopped':
      return event.path.startsWith('/demo') ? `${event.path} stopped (${event.reason})` : undefined;
    default:
      return undefined;
  }
}

export async function demoCommand(options: DemoOptions): Promise<number> {
  const startedAt = options.clock === 'real' ? realClock.now() : 0;
  let clock: Clock = realClock;
  const line = (text: string) => {
    const elapsed = Math.round(clock.now() - startedAt);
    options.out.write(`[${String(elapsed).padStart(6)} ms] ${text}\n`);
  };
  const simulation = options.clock === 'simulated' ? new Simulation({ seed: options.seed, root: AGENT_ROOT }) : undefined;
  let failed: ((failure: SystemFailure) => void) | undefined;
  const failure = new Promise<SystemFailure>((resolve) => { failed = resolve; });
  const system = simulation?.system ?? new ActorSystem({ seed: options.seed, root: AGENT_ROOT, onFatal: (reason) => failed!(reason) });
  clock = system.clock;
  const logger = createLogger(clock, options.err);

  let finish!: () => void;
  const finished = new Promise<void>((resolve) => { finish = resolve; });
  system.events.subscribe((event) => {
    const text = narrate(event);
    if (text !== undefined) line(text);
    if (event.type === 'actor.stopped' && event.path === '/demo/printer') finish();
  });
  line(`troupe demo pipeline: ${options.records} records every ${options.intervalMs} ms, ${options.clock} clock, seed ${options.seed}`);
  spawnDemoPipeline(system, { records: options.records, intervalMs: options.intervalMs, write: line });
  for (const path of options.crash) system.faults.crashAlways(path);

  let outcome: SystemFailure | 'finished';
  if (simulation !== undefined) {
    await simulation.runUntilIdle();
    outcome = simulation.failure ?? 'finished';
  } else {
    const stop = () => finish();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    outcome = await Promise.race([finished.then(() => 'finished' as const), failure]);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  if (outcome !== 'finished') {
    logger.fatal({ actor: outcome.actor, error: outcome.error }, outcome.message);
    return EXIT_FAILED;
  }
  const shutdown = system.shutdown();
  if (simulation !== undefined) await simulation.runUntilIdle();
  await shutdown;
  const processed = system.actors().reduce((sum, actor) => sum + actor.mailbox.processed, 0);
  line(`stopped cleanly: ${processed} messages processed, ${system.deadLetters.total} dead letters`);
  return EXIT_OK;
}
