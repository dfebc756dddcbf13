import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { AskTimeoutError } from '../../src/runtime/errors.js';
import { RealTimeScheduler } from '../../src/runtime/scheduler.js';
import { SimulatedClock, realClock } from '../../src/runtime/clock.js';
import type { Clock } from '../../src/runtime/clock.js';
import { sendTo } from '../../src/runtime/message.js';
import type { Envelope, SendCommand } from '../../src/runtime/message.js';
import { ActorSystem } from '../../src/runtime/system.js';
import { add, counter, doubler } from './fixtures.js';

describe('RealTimeScheduler', () => {
  it('is fair: an actor with one message is served while another works through thousands', async () => {
    const system = new ActorSystem({ seed: 1, scheduler: new RealTimeScheduler(realClock, { throughput: 10 }) });
    system.spawn('/busy', counter, { mailbox: { capacity: 10_000, policy: 'fail' } });
    system.spawn('/idle', counter);
    for (let i = 0; i < 5000; i += 1) void system.send('/busy', add(1));
    const reply = await system.ask<{ type: 'value'; payload: number }>('/idle', { type: 'get' }, 5000);
    expect(reply.payload).toBe(0);
    // The busy actor was interrupted after at most a few turns of 10.
    expect(system.stats('/busy').mailbox.processed).toBeLessThan(5000);
    const total = await system.ask<{ type: 'value'; payload: number }>('/busy', { type: 'get' }, 5000);
    expect(total.payload).toBe(5000);
    await system.shutdown();
  });

  it('runs ask timeouts on the real clock too', async () => {
    const system = new ActorSystem({ seed: 1 });
    system.spawn('/c', counter);
    await expect(system.ask('/c', add(1), 5)).rejects.toBeInstanceOf(AskTimeoutError);
    await system.shutdown();
  });
});

/** Forwards each `item` to `input.to` unchanged; the ball game's player passes `ball` n back until n is 0. */
type ItemEvent = Envelope<{ type: 'item'; payload: number }>;
const forwarder = setup({ types: { context: {} as { to: string }, input: {} as { to: string }, events: {} as ItemEvent, emitted: {} as SendCommand } }).createMachine({
  context: ({ input }) => ({ to: input.to }),
  on: { item: { actions: sendTo(({ context }) => context.to, 'item', ({ event }) => event.payload) } },
});
const sink = setup({ types: { events: {} as ItemEvent } }).createMachine({ on: { item: {} } });
type BallEvent = Envelope<{ type: 'ball'; payload: number }>;
const player = setup({ types: { context: {} as { peer: string }, input: {} as { peer: string }, events: {} as BallEvent, emitted: {} as SendCommand } }).createMachine({
  context: ({ input }) => ({ peer: input.peer }),
  on: { ball: { guard: ({ event }) => event.payload > 0, actions: sendTo(({ context }) => context.peer, 'ball', ({ event }) => event.payload - 1) } },
});

/**
 * A system on the real-time scheduler, by default with a clock that never moves (no slice ever runs
 * out, so turns are whole), and the order actors handled messages in.
 */
function recordingSystem(options: { throughput?: number; handoffTurns?: number }, clock: Clock = new SimulatedClock()) {
  const system = new ActorSystem({ seed: 1, clock, scheduler: new RealTimeScheduler(clock, options) });
  const order: string[] = [];
  let expected = Number.POSITIVE_INFINITY;
  let reached!: () => void;
  const done = new Promise<void>((resolve) => { reached = resolve; });
  system.events.subscribe((event) => {
    if (event.type !== 'actor.processed') return;
    order.push(event.path);
    if (order.length === expected) reached();
  }, ['actor.processed']);
  const processed = (count: number) => { expected = count; if (order.length >= count) reached(); return done; };
  return { system, order, processed };
}

describe('RealTimeScheduler hand-off', () => {
  it('runs the actor a turn made ready right after that turn, ahead of the line', async () => {
    const { system, order, processed } = recordingSystem({});
    system.spawn('/sink', counter);
    system.spawn('/relay', doubler, { input: { to: '/sink' } });
    system.spawn('/other', counter);
    void system.send('/relay', { type: 'item', payload: 1 });
    void system.send('/other', add(1));
    await processed(3);
    // A plain FIFO line would run /other before /sink: relay, other, sink.
    expect(order).toEqual(['/relay', '/sink', '/other']);
    await system.shutdown();
  });

  it('bounds the hand-offs in a row, so two actors messaging each other cannot keep the line waiting', async () => {
    const { system, order, processed } = recordingSystem({ throughput: 1, handoffTurns: 3 });
    system.spawn('/ping', player, { input: { peer: '/pong' } });
    system.spawn('/pong', player, { input: { peer: '/ping' } });
    system.spawn('/other', counter);
    void system.send('/ping', { type: 'ball', payload: 20 });
    void system.send('/other', add(1));
    await processed(22);
    expect(order.slice(0, 5)).toEqual(['/ping', '/pong', '/ping', '/pong', '/other']);
    expect(order.filter((path) => path === '/other')).toHaveLength(1);
    await system.shutdown();
  });

  it("ends a sender's turn once its target holds a turn's worth", async () => {
    const { system, order, processed } = recordingSystem({ throughput: 4 });
    system.spawn('/sink', counter);
    system.spawn('/relay', doubler, { input: { to: '/sink' } });
    for (let i = 0; i < 8; i += 1) void system.send('/relay', { type: 'item', payload: i });
    for (let i = 0; i < 3; i += 1) void system.send('/sink', add(100));
    await processed(19);
    // The relay's first message left /sink with 4 queued (a turn's worth at throughput 4): its turn ended there.
    expect(order.slice(0, 2)).toEqual(['/relay', '/sink']);
    expect((await system.ask<{ type: 'value'; payload: number }>('/sink', { type: 'get' }, 1000)).payload).toBe(300 + 2 * 28);
    await system.shutdown();
  });

  it('keeps a pipeline under a faster producer near one turn per stage, not at its bounds', async () => {
    // On the real clock: slices that run out cut turns short, which is how a plain FIFO line's queues
    // fill up (to ~2,000 here, measured) and stay full.
    const { system, processed } = recordingSystem({}, realClock);
    const stages = ['/s0', '/s1', '/s2', '/s3'];
    system.spawn('/end', sink, { mailbox: { capacity: 1024, policy: 'block' } });
    stages.forEach((path, index) => system.spawn(path, forwarder, { input: { to: stages[index + 1] ?? '/end' }, mailbox: { capacity: 1024, policy: 'block' } }));
    let deepest = 0;
    let seen = 0;
    system.events.subscribe(() => {
      seen += 1;
      if (seen % 50 !== 0) return;
      const queued = ['/s1', '/s2', '/s3', '/end'].reduce((sum, path) => sum + system.stats(path).mailbox.depth, 0);
      deepest = Math.max(deepest, queued);
    }, ['actor.processed']);
    const items = 40_000;
    for (let i = 0; i < items; i += 1) {
      const waiting = system.send('/s0', { type: 'item', payload: i });
      if (waiting) await waiting;
    }
    await processed(items * 5);
    // Behind the first stage (full: the producer outruns it), each stage holds about one turn (100),
    // give or take the messages that end a yielding turn; a plain FIFO line let them fill towards
    // their bounds (4 × 1,024; over 1,100 in all, measured).
    expect(deepest).toBeLessThanOrEqual(4 * 150);
    await system.shutdown();
  });
});
