import { describe, expect } from 'vitest';
import type { Simulation } from '../../../src/runtime/simulation.js';
import type { Strategy } from '../../../src/runtime/supervision/restart-policy.js';
import { scenario } from '../../scenarios/harness.js';
import { add, counter } from '../fixtures.js';

const noJitter = { minMs: 10, maxMs: 1000, jitter: 0, resetAfterMs: 10_000 };

async function sums(sim: Simulation, paths: string[]): Promise<number[]> {
  const replies = paths.map((path) => sim.system.ask<{ type: 'value'; payload: number }>(path, { type: 'get' }, 1000));
  await sim.runUntilIdle();
  return (await Promise.all(replies)).map((reply) => reply.payload);
}

/** Three counters a, b, c under /s, each holding a sum; then b crashes. */
async function crashMiddleChild(sim: Simulation, strategy: Strategy): Promise<void> {
  sim.system.spawnSupervisor('/s', { strategy, backoff: noJitter });
  for (const name of ['a', 'b', 'c']) sim.system.spawn(`/s/${name}`, counter, { maxMessageCrashes: 1 });
  for (const name of ['a', 'b', 'c']) await sim.system.send(`/s/${name}`, add(5));
  await sim.runUntilIdle();
  await sim.system.send('/s/b', { type: 'boom' });
  await sim.runUntilIdle();
}

describe('supervision strategies', () => {
  scenario('one-for-one restarts only the crashed child', async (sim) => {
    await crashMiddleChild(sim, 'one-for-one');
    expect(await sums(sim, ['/s/a', '/s/b', '/s/c'])).toEqual([5, 0, 5]);
    expect(['/s/a', '/s/b', '/s/c'].map((path) => sim.system.stats(path).restarts)).toEqual([0, 1, 0]);
  });

  scenario('one-for-all restarts every child, in start order', async (sim) => {
    await crashMiddleChild(sim, 'one-for-all');
    expect(await sums(sim, ['/s/a', '/s/b', '/s/c'])).toEqual([0, 0, 0]);
    const restarted = sim.eventsOf('actor.restarted').map((event) => event.path);
    expect(restarted).toEqual(['/s/a', '/s/b', '/s/c']);
  });

  scenario('rest-for-one restarts the crashed child and those started after it', async (sim) => {
    await crashMiddleChild(sim, 'rest-for-one');
    expect(await sums(sim, ['/s/a', '/s/b', '/s/c'])).toEqual([5, 0, 0]);
    expect(sim.eventsOf('actor.restarted').map((event) => event.path)).toEqual(['/s/b', '/s/c']);
  });

  scenario('messages queued while a child restarts are kept and handled after the restart', async (sim) => {
    sim.system.spawnSupervisor('/s', { backoff: { ...noJitter, minMs: 100 } });
    sim.system.spawn('/s/a', counter, { maxMessageCrashes: 1 });
    await sim.system.send('/s/a', { type: 'boom' });
    await sim.runUntilIdle({ untilMs: 50 });
    expect(sim.system.stats('/s/a').status).toBe('restarting');
    await sim.system.send('/s/a', add(7));
    await sim.runUntilIdle();
    expect(await sums(sim, ['/s/a'])).toEqual([7]);
  });
});

describe('restart intensity', () => {
  const strictRoot = { root: { intensity: { maxRestarts: 1, withinMs: 60_000 }, backoff: noJitter } };

  scenario('a supervisor that exceeds its intensity gives up and escalates to the root, which fails the system', strictRoot, async (sim) => {
    // The root allows one restart of /s per minute; /s allows two restarts of its worker.
    sim.system.spawnSupervisor('/s', { intensity: { maxRestarts: 2, withinMs: 60_000 }, backoff: noJitter });
    sim.system.spawn('/s/worker', counter);
    // One poison message crashes /s/worker three times (K = 3): two restarts, then /s gives up.
    await sim.system.send('/s/worker', { type: 'boom', payload: 'disk on fire' });
    await sim.runUntilIdle();
    expect(sim.eventsOf('supervisor.gave-up').map((event) => event.path)).toEqual(['/s']);
    expect(sim.failure).toBeUndefined();
    expect(sim.system.stats('/s').restarts).toBe(1);

    await sim.system.send('/s/worker', { type: 'boom', payload: 'disk on fire' });
    await sim.runUntilIdle();
    expect(sim.failure?.actor).toBe('/s/worker');
    expect(sim.failure?.message).toMatch(/root supervisor \/ gave up .*actor \/s\/worker failed: Error: disk on fire/);
    expect(sim.eventsOf('system.failed')).toHaveLength(1);
  });

  scenario('restarts outside the window do not count towards the intensity', async (sim) => {
    sim.system.spawnSupervisor('/s', { intensity: { maxRestarts: 1, withinMs: 1000 }, backoff: noJitter });
    sim.system.spawn('/s/worker', counter, { maxMessageCrashes: 1 });
    for (let i = 0; i < 5; i += 1) {
      await sim.system.send('/s/worker', { type: 'boom' });
      await sim.advance(1500);
    }
    expect(sim.eventsOf('supervisor.gave-up')).toHaveLength(0);
    expect(sim.system.stats('/s/worker').restarts).toBe(5);
  });
});
