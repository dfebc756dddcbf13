import diagnosticsChannel from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { AskTimeoutError, DuplicatePathError, InvalidPathError, MailboxFullError } from '../../src/runtime/errors.js';
import type { Envelope } from '../../src/runtime/message.js';
import { EventBus } from '../../src/runtime/events.js';
import type { RuntimeEvent } from '../../src/runtime/events.js';
import { Simulation } from '../../src/runtime/simulation.js';
import { scenario } from '../scenarios/harness.js';
import { add, counter, doubler } from './fixtures.js';

describe('ask', () => {
  scenario('resolves with the typed reply', async (sim) => {
    sim.system.spawn('/c', counter);
    await sim.system.send('/c', add(40));
    await sim.system.send('/c', add(2));
    const reply = sim.system.ask<{ type: 'value'; payload: number }>('/c', { type: 'get' }, 100);
    await sim.runUntilIdle();
    const answer = await reply;
    expect(answer.type).toBe('value');
    expect(answer.payload).toBe(42);
  });

  scenario('times out on the simulated clock, not before', async (sim) => {
    sim.system.spawn('/c', counter);
    let outcome: unknown;
    sim.system.ask('/c', add(1), 1000).then((value) => { outcome = value; }, (error: unknown) => { outcome = error; });
    await sim.advance(999);
    expect(outcome).toBeUndefined();
    await sim.advance(1);
    expect(outcome).toBeInstanceOf(AskTimeoutError);
    expect((outcome as AskTimeoutError).message).toBe('ask /c (add) got no reply within 1000 ms');
  });
});

describe('addressing', () => {
  it('rejects malformed, duplicate and orphan paths with clear errors', () => {
    const sim = new Simulation({ seed: 1 });
    expect(() => sim.system.spawn('calc', counter)).toThrow(InvalidPathError);
    expect(() => sim.system.spawn('/a//b', counter)).toThrow(/segment ""/);
    expect(() => sim.system.spawn('/missing/child', counter)).toThrow(/its supervisor \/missing does not exist/);
    sim.system.spawn('/c', counter);
    expect(() => sim.system.spawn('/c', counter)).toThrow(DuplicatePathError);
    expect(() => sim.system.spawn('/c/x', counter)).toThrow(/its parent \/c is not a supervisor/);
    expect(() => sim.system.spawn('/_ask', counter)).toThrow(/reserved/);
  });

  scenario('a message to nobody is dead-lettered, not lost', async (sim) => {
    await sim.system.send('/nobody', add(1));
    expect(sim.system.deadLetters.list()).toMatchObject([{ path: '/nobody', reason: 'no-such-actor' }]);
  });

  scenario('refs serialize to their path', async (sim) => {
    const ref = sim.system.spawn('/c', counter);
    expect(JSON.parse(JSON.stringify({ ref }))).toEqual({ ref: { path: '/c' } });
  });
});

describe('overflow policies between actors', () => {
  scenario('fail: an external sender gets MailboxFullError', async (sim) => {
    sim.system.spawn('/c', counter, { mailbox: { capacity: 2, policy: 'fail' } });
    await sim.system.send('/c', add(1));
    await sim.system.send('/c', add(1));
    expect(() => sim.system.send('/c', add(1))).toThrow(MailboxFullError);
    expect(sim.system.stats('/c').mailbox).toMatchObject({ received: 3, rejected: 1, depth: 2 });
  });

  scenario('fail: an actor whose send is rejected crashes with MailboxFullError and its supervisor restarts it', async (sim) => {
    sim.system.spawnSupervisor('/s', { backoff: { jitter: 0 } });
    sim.system.spawn('/s/sink', counter, { mailbox: { capacity: 1, policy: 'fail' } });
    sim.system.spawn('/s/head', doubler, { input: { to: '/s/sink' } });
    sim.system.faults.fillMailbox('/s/sink');
    await sim.system.send('/s/head', { type: 'item', payload: 1 });
    await sim.runUntilIdle();
    const crash = sim.eventsOf('actor.crashed')[0];
    expect(crash).toMatchObject({ path: '/s/head', error: { code: 'TROUPE_ERR_MAILBOX_FULL' } });
    expect(sim.system.stats('/s/head').restarts).toBe(1);
    // The message itself was handled; it is not retried.
    expect(sim.system.stats('/s/head').mailbox.processed).toBe(1);
  });

  scenario('drop-oldest keeps the most recent messages and counts the rest as dropped', async (sim) => {
    sim.system.spawn('/c', counter, { mailbox: { capacity: 3, policy: 'drop-oldest' } });
    for (let i = 1; i <= 10; i += 1) await sim.system.send('/c', add(i));
    await sim.runUntilIdle();
    const reply = sim.system.ask<{ type: 'value'; payload: number }>('/c', { type: 'get' }, 100);
    await sim.runUntilIdle();
    expect((await reply).payload).toBe(8 + 9 + 10);
    expect(sim.system.stats('/c').mailbox).toMatchObject({ dropped: 7, processed: 4 });
  });
});

describe('timers', () => {
  const waiter = setup({ types: { events: {} as Envelope<{ type: 'go' }> } }).createMachine({
    initial: 'idle',
    states: { idle: { on: { go: 'waiting' } }, waiting: { after: { 500: 'done' } }, done: {} },
  });

  scenario("xstate `after` timers run on the injected clock and through the actor's turn", async (sim) => {
    sim.system.spawn('/w', waiter);
    await sim.advance(100);
    await sim.system.send('/w', { type: 'go' });
    await sim.advance(499);
    expect(sim.system.stats('/w').state).toBe('waiting');
    await sim.advance(1);
    expect(sim.system.stats('/w').state).toBe('done');
    const change = sim.eventsOf('actor.state-changed').at(-1);
    expect(change).toMatchObject({ at: 600, from: 'waiting', to: 'done' });
  });

  scenario('a slowed actor (delay fault) handles one message per delay', async (sim) => {
    sim.system.spawn('/c', counter);
    sim.system.faults.delay('/c', 100);
    for (let i = 0; i < 5; i += 1) await sim.system.send('/c', add(1));
    await sim.runUntilIdle();
    expect(sim.eventsOf('actor.processed').filter((event) => event.path === '/c').map((event) => event.at)).toEqual([0, 100, 200, 300, 400]);
  });
});

describe('stopping', () => {
  scenario('shutdown stops children in reverse start order, children before their supervisor', async (sim) => {
    sim.system.spawnSupervisor('/p');
    for (const name of ['a', 'b', 'c']) sim.system.spawn(`/p/${name}`, counter);
    sim.system.spawn('/z', counter);
    await sim.shutdown();
    expect(sim.eventsOf('actor.stopped').map((event) => event.path)).toEqual(['/z', '/p/c', '/p/b', '/p/a', '/p', '/']);
  });

  scenario('an actor with nothing queued stops at once, without waiting for its grace period', async (sim) => {
    sim.system.spawn('/idle', counter, { shutdownGraceMs: 5000 });
    await sim.system.send('/idle', add(1));
    await sim.runUntilIdle();
    await sim.shutdown();
    expect(sim.clock.now()).toBe(0);
    expect(sim.system.stats('/idle').status).toBe('stopped');
  });

  scenario('a graceful stop drains the mailbox within the grace period and dead-letters the rest', async (sim) => {
    sim.system.spawn('/slow', counter, { shutdownGraceMs: 350 });
    sim.system.faults.delay('/slow', 100);
    for (let i = 0; i < 10; i += 1) await sim.system.send('/slow', add(1));
    await sim.shutdown();
    const stats = sim.system.stats('/slow');
    expect(stats.mailbox.processed).toBe(4); // at 0, 100, 200, 300; the grace ends at 350
    expect(stats.mailbox.deadLettered).toBe(6);
    expect(sim.system.deadLetters.list().every((letter) => letter.reason === 'stopped')).toBe(true);
    expect(sim.clock.now()).toBe(350);
  });

  scenario('stopping one actor removes it; messages sent to it afterwards are dead letters', async (sim) => {
    sim.system.spawn('/c', counter);
    const stopped = sim.system.stop('/c');
    await sim.runUntilIdle();
    await stopped;
    expect(sim.system.has('/c')).toBe(false);
    await sim.system.send('/c', add(1));
    expect(sim.system.deadLetters.list().at(-1)).toMatchObject({ path: '/c', reason: 'no-such-actor' });
  });
});

describe('the event stream', () => {
  it('mirrors every event to node:diagnostics_channel as troupe:<type>', async () => {
    const seen: RuntimeEvent[] = [];
    const onCrash = (message: unknown) => { seen.push(message as RuntimeEvent); };
    diagnosticsChannel.subscribe('troupe:actor.crashed', onCrash);
    try {
      const sim = new Simulation({ seed: 7 });
      sim.system.spawn('/c', counter, { maxMessageCrashes: 1 });
      await sim.system.send('/c', { type: 'boom' });
      await sim.runUntilIdle();
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ type: 'actor.crashed', path: '/c', messageType: 'boom' });
    } finally {
      diagnosticsChannel.unsubscribe('troupe:actor.crashed', onCrash);
    }
  });

  it('builds per-message events for any listener: to all types, to that type, or on its channel', async () => {
    const bus = new EventBus();
    expect([bus.wantsProcessed(), bus.wantsStateChanged()]).toEqual([false, false]);
    const offProcessed = bus.subscribe(() => {}, ['actor.processed']);
    expect([bus.wantsProcessed(), bus.wantsStateChanged()]).toEqual([true, false]);
    offProcessed();
    const offAll = bus.subscribe(() => {});
    expect([bus.wantsProcessed(), bus.wantsStateChanged()]).toEqual([true, true]);
    offAll();
    const onChannel = () => {};
    diagnosticsChannel.subscribe('troupe:actor.state-changed', onChannel);
    try {
      expect([bus.wantsProcessed(), bus.wantsStateChanged()]).toEqual([false, true]);
    } finally {
      diagnosticsChannel.unsubscribe('troupe:actor.state-changed', onChannel);
    }
    expect([bus.wantsProcessed(), bus.wantsStateChanged()]).toEqual([false, false]);
  });
});
