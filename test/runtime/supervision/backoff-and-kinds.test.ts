import { describe, expect } from 'vitest';
import { setup } from 'xstate';
import type { Envelope } from '../../../src/runtime/message.js';
import { scenario } from '../../scenarios/harness.js';
import { add, counter } from '../fixtures.js';

/** Stops itself (final state) on `finish`; crashes on `boom`. */
const finisher = setup({
  types: { events: {} as Envelope<{ type: 'finish' }> | Envelope<{ type: 'boom' }> },
  actions: { explode: () => { throw new Error('boom'); } },
}).createMachine({
  initial: 'working',
  states: { working: { on: { finish: 'finished', boom: { actions: 'explode' } } }, finished: { type: 'final' } },
});

describe('restart backoff', () => {
  scenario('delays double from minMs up to maxMs and restarts happen exactly then on the simulated clock', async (sim) => {
    sim.system.spawnSupervisor('/s', {
      intensity: { maxRestarts: 100, withinMs: 60_000 },
      backoff: { minMs: 100, maxMs: 400, jitter: 0, resetAfterMs: 60_000 },
    });
    sim.system.spawn('/s/worker', counter, { maxMessageCrashes: 5 });
    // One message that crashes the worker on every attempt: crash at 0, 100, 300, 700, 1100.
    await sim.system.send('/s/worker', { type: 'boom' });
    await sim.runUntilIdle({ untilMs: 99 });
    expect(sim.eventsOf('actor.restarted')).toHaveLength(0);
    await sim.runUntilIdle();
    expect(sim.eventsOf('actor.restart-scheduled').map((event) => event.delayMs)).toEqual([100, 200, 400, 400, 400]);
    expect(sim.eventsOf('actor.restarted').map((event) => event.at)).toEqual([100, 300, 700, 1100, 1500]);
    expect(sim.eventsOf('actor.crashed').map((event) => event.at)).toEqual([0, 100, 300, 700, 1100]);
    // The fifth crash dead-lettered the message; the fifth restart finds an empty mailbox.
    expect(sim.system.deadLetters.list().map((letter) => [letter.envelope.type, letter.crashCount])).toEqual([['boom', 5]]);
  });

  scenario('jitter stretches each delay by at most the jitter fraction, the same way for the same seed', async (sim) => {
    sim.system.spawnSupervisor('/s', {
      intensity: { maxRestarts: 100, withinMs: 60_000 },
      backoff: { minMs: 100, maxMs: 10_000, jitter: 0.5, resetAfterMs: 60_000 },
    });
    sim.system.spawn('/s/worker', counter, { maxMessageCrashes: 4 });
    await sim.system.send('/s/worker', { type: 'boom' });
    await sim.runUntilIdle();
    const delays = sim.eventsOf('actor.restart-scheduled').map((event) => event.delayMs);
    expect(delays).toHaveLength(4);
    delays.forEach((delay, index) => {
      const base = 100 * 2 ** index;
      expect(delay).toBeGreaterThanOrEqual(base);
      expect(delay).toBeLessThanOrEqual(base * 1.5);
    });
  });

  scenario('the backoff resets once a child has run for resetAfterMs without crashing', async (sim) => {
    sim.system.spawnSupervisor('/s', { backoff: { minMs: 100, maxMs: 10_000, jitter: 0, resetAfterMs: 5000 } });
    sim.system.spawn('/s/worker', counter, { maxMessageCrashes: 1 });
    for (const gapMs of [0, 0, 6000]) {
      await sim.advance(gapMs);
      await sim.system.send('/s/worker', { type: 'boom' });
      await sim.runUntilIdle();
    }
    expect(sim.eventsOf('actor.restart-scheduled').map((event) => event.delayMs)).toEqual([100, 200, 100]);
  });
});

describe('child kinds', () => {
  scenario('a permanent child is restarted even after a normal exit', async (sim) => {
    sim.system.spawnSupervisor('/s', { backoff: { jitter: 0 } });
    sim.system.spawn('/s/p', finisher, { kind: 'permanent' });
    await sim.system.send('/s/p', { type: 'finish' });
    await sim.runUntilIdle();
    expect(sim.system.stats('/s/p')).toMatchObject({ status: 'running', restarts: 1 });
  });

  scenario('a transient child is restarted after a crash but not after a normal exit', async (sim) => {
    sim.system.spawnSupervisor('/s', { backoff: { jitter: 0 } });
    sim.system.spawn('/s/t', finisher, { kind: 'transient', maxMessageCrashes: 1 });
    await sim.system.send('/s/t', { type: 'boom' });
    await sim.runUntilIdle();
    expect(sim.system.stats('/s/t')).toMatchObject({ status: 'running', restarts: 1 });
    await sim.system.send('/s/t', { type: 'finish' });
    await sim.runUntilIdle();
    expect(sim.system.stats('/s/t')).toMatchObject({ status: 'stopped', restarts: 1 });
  });

  scenario('a temporary child is never restarted, and what it had queued is dead-lettered', async (sim) => {
    sim.system.spawnSupervisor('/s', { backoff: { jitter: 0 } });
    sim.system.spawn('/s/tmp', counter, { kind: 'temporary', maxMessageCrashes: 1 });
    await sim.system.send('/s/tmp', { type: 'boom' });
    await sim.system.send('/s/tmp', add(1));
    await sim.runUntilIdle();
    expect(sim.system.stats('/s/tmp')).toMatchObject({ status: 'stopped', restarts: 0 });
    expect(sim.system.deadLetters.list().map((letter) => [letter.envelope.type, letter.reason])).toEqual([['boom', 'poison'], ['add', 'stopped']]);
  });

  scenario('a temporary sibling taken down by one-for-all is not restarted', async (sim) => {
    sim.system.spawnSupervisor('/s', { strategy: 'one-for-all', backoff: { jitter: 0 } });
    sim.system.spawn('/s/a', counter, { maxMessageCrashes: 1 });
    sim.system.spawn('/s/tmp', counter, { kind: 'temporary' });
    await sim.system.send('/s/a', { type: 'boom' });
    await sim.runUntilIdle();
    expect(sim.system.stats('/s/a').status).toBe('running');
    expect(sim.system.stats('/s/tmp').status).toBe('stopped');
  });
});

describe('poison messages', () => {
  scenario('a message that crashes its actor K times is dead-lettered and the next message is processed', async (sim) => {
    sim.system.spawnSupervisor('/s', { backoff: { jitter: 0 } });
    sim.system.spawn('/s/worker', counter, { maxMessageCrashes: 3 });
    await sim.system.send('/s/worker', { type: 'boom', payload: 'bad record' });
    await sim.system.send('/s/worker', add(5));
    await sim.runUntilIdle();
    const [letter, ...rest] = sim.system.deadLetters.list();
    expect(rest).toHaveLength(0);
    expect(letter).toMatchObject({ path: '/s/worker', reason: 'poison', crashCount: 3, envelope: { type: 'boom', payload: 'bad record' } });
    expect(letter?.error?.message).toBe('bad record');
    const reply = sim.system.ask<{ type: 'value'; payload: number }>('/s/worker', { type: 'get' }, 1000);
    await sim.runUntilIdle();
    expect((await reply).payload).toBe(5);
    expect(sim.system.stats('/s/worker')).toMatchObject({ crashes: 3, restarts: 3 });
  });

  scenario('an injected crash counts against the message at the head like any other crash', async (sim) => {
    sim.system.spawnSupervisor('/s', { backoff: { jitter: 0 } });
    sim.system.spawn('/s/worker', counter, { maxMessageCrashes: 2 });
    sim.system.faults.crashNext('/s/worker');
    await sim.system.send('/s/worker', add(1));
    await sim.runUntilIdle();
    // Crashed once by injection, then retried successfully: nothing dead-lettered.
    expect(sim.system.deadLetters.total).toBe(0);
    expect(sim.eventsOf('actor.crashed').map((event) => event.error.code)).toEqual(['TROUPE_ERR_INJECTED_FAULT']);
    expect(sim.system.stats('/s/worker').mailbox.processed).toBe(1);
  });
});
