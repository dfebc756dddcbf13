/**
 * Scenario harness for every issue's tests: builds a simulated system per seed, and on failure names the
 * seed and how to replay it. `TROUPE_SEED=n` runs only that seed.
 *
 *   scenario('a poison message is dead-lettered', async (sim) => {
 *     sim.system.spawn('/worker', logic);
 *     sim.system.faults.crashNext('/worker');
 *     await sim.runUntilIdle();
 *     expect(sim.eventsOf('actor.crashed')).toHaveLength(1);
 *   });
 */
import { it } from 'vitest';
import { Simulation } from '../../src/runtime/simulation.js';
import type { SimulationOptions } from '../../src/runtime/simulation.js';
import { unaccounted } from '../../src/runtime/stats.js';

export const DEFAULT_SEEDS: readonly number[] = [1, 2, 3, 42, 1337];

export interface ScenarioOptions extends Omit<SimulationOptions, 'seed'> {
  readonly seeds?: readonly number[];
}

function seedsToRun(options: ScenarioOptions): readonly number[] {
  const fromEnv = process.env['TROUPE_SEED'];
  if (fromEnv !== undefined && fromEnv !== '') return [Number(fromEnv)];
  return options.seeds ?? DEFAULT_SEEDS;
}

export function scenario(name: string, body: (sim: Simulation) => Promise<void>): void;
export function scenario(name: string, options: ScenarioOptions, body: (sim: Simulation) => Promise<void>): void;
export function scenario(
  name: string,
  optionsOrBody: ScenarioOptions | ((sim: Simulation) => Promise<void>),
  maybeBody?: (sim: Simulation) => Promise<void>,
): void {
  const options = typeof optionsOrBody === 'function' ? {} : optionsOrBody;
  const body = typeof optionsOrBody === 'function' ? optionsOrBody : maybeBody!;
  for (const seed of seedsToRun(options)) {
    it(`${name} [seed ${seed}]`, async () => {
      const sim = new Simulation({ ...options, seed });
      try {
        await body(sim);
      } catch (error) {
        throw withReplayHint(error, name, sim);
      }
    });
  }
}

/** Adds the seed, the command that replays it and the end of the trace to a scenario's failure. */
export function withReplayHint(error: unknown, name: string, sim: Simulation): unknown {
  if (error instanceof Error) {
    error.message += `\n  replay with: TROUPE_SEED=${sim.seed} npx vitest run -t ${JSON.stringify(name)}` +
      `\n  last trace lines:\n    ${sim.trace.slice(-15).join('\n    ')}`;
  }
  return error;
}

/** Actors whose books do not balance: received ≠ processed + dead + dropped + coalesced + rejected + queued. */
export function unbalancedActors(sim: Simulation): string[] {
  return sim.system.actors().filter((actor) => unaccounted(actor.mailbox) !== 0).map((actor) => actor.path);
}
