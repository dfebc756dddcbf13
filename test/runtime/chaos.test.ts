import { describe, expect } from 'vitest';
import { fromTransition } from 'xstate';
import { MailboxFullError } from '../../src/runtime/errors.js';
import { emitSend } from '../../src/runtime/message.js';
import type { Envelope } from '../../src/runtime/message.js';
import { createRandom } from '../../src/runtime/random.js';
import type { Simulation } from '../../src/runtime/simulation.js';
import { scenario, unbalancedActors } from '../scenarios/harness.js';

/** Forwards every message to `to` (if any); throws on `boom`. */
const relay = fromTransition(
  (state: { to: string | undefined; handled: number }, event: Envelope, scope) => {
    if (event.type === 'boom') throw new Error('boom');
    if (state.to !== undefined) emitSend(scope, state.to, { type: event.type, payload: event.payload });
    return { ...state, handled: state.handled + 1 };
  },
  ({ input }: { input: { to: string | undefined } }) => ({ to: input.to, handled: 0 }),
);

const PATHS = ['/s/a', '/s/b', '/s/c', '/s/d'];

function buildPipeline(sim: Simulation): void {
  sim.system.spawnSupervisor('/s', { intensity: { maxRestarts: 1000, withinMs: 1000 }, backoff: { minMs: 1, maxMs: 20 } });
  sim.system.spawn('/s/a', relay, { input: { to: '/s/b' }, mailbox: { capacity: 4, policy: 'block', maxWaiting: 8 } });
  sim.system.spawn('/s/b', relay, { input: { to: '/s/c' }, mailbox: { capacity: 3, policy: 'drop-oldest' } });
  sim.system.spawn('/s/c', relay, {
    input: { to: '/s/d' },
    mailbox: { capacity: 5, policy: 'coalesce', coalesceKey: (envelope) => Number(envelope.payload) % 7 },
  });
  sim.system.spawn('/s/d', relay, { input: { to: undefined }, mailbox: { capacity: 2, policy: 'fail' }, maxMessageCrashes: 2 });
}

async function chaos(sim: Simulation, steps: number): Promise<void> {
  const random = createRandom(sim.seed + 10_000); // the workload's own stream, also from the seed
  const pick = <T>(items: readonly T[]): T => items[random.int(0, items.length - 1)]!;
  for (let step = 0; step < steps; step += 1) {
    const path = pick(PATHS);
    const roll = random.int(0, 99);
    try {
      if (roll < 55) void sim.system.send(path, { type: 'item', payload: step });
      else if (roll < 62) void sim.system.send(path, { type: 'boom' });
      else if (roll < 67) sim.system.faults.crashNext(path);
      else if (roll < 72) sim.system.faults.delay(path, random.int(0, 1) * random.int(1, 30));
      else if (roll < 76) sim.system.faults.fillMailbox(path);
      else if (roll < 82) sim.system.faults.clear(path);
      else if (roll < 84) void sim.system.send('/s/ghost', { type: 'item', payload: step });
      else await sim.advance(random.int(0, 25));
    } catch (error) {
      if (!(error instanceof MailboxFullError)) throw error;
    }
    if (step % 50 === 0) expect(unbalancedActors(sim)).toEqual([]);
  }
}

describe('accounting under chaos', () => {
  scenario('received = processed + dead-lettered + dropped + coalesced + rejected + queued, for every actor', { seeds: [1, 2, 3, 4, 5, 6, 7, 8] }, async (sim) => {
    buildPipeline(sim);
    await chaos(sim, 600);
    for (const path of PATHS) sim.system.faults.clear(path);
    await sim.runUntilIdle();
    expect(unbalancedActors(sim)).toEqual([]);
    await sim.shutdown();
    expect(unbalancedActors(sim)).toEqual([]);
    const actors = sim.system.actors();
    // After shutdown nothing is queued anywhere, and every dead letter is on some actor's books or addressed to nobody.
    expect(actors.map((actor) => actor.mailbox.depth + actor.mailbox.waiting)).toEqual(actors.map(() => 0));
    const onBooks = actors.reduce((sum, actor) => sum + actor.mailbox.deadLettered, 0);
    const toNobody = sim.eventsOf('actor.dead-lettered').filter((event) => event.reason === 'no-such-actor').length;
    expect(sim.system.deadLetters.total).toBe(onBooks + toNobody);
    // The chaos really happened.
    expect(sim.eventsOf('actor.crashed').length).toBeGreaterThan(10);
    const totals = actors.reduce((sum, actor) => sum + actor.mailbox.dropped + actor.mailbox.coalesced + actor.mailbox.rejected, 0);
    expect(totals).toBeGreaterThan(0);
    expect(sim.failure).toBeUndefined();
  });
});
