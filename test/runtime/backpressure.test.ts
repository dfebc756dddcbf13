import { describe, expect } from 'vitest';
import { assign, setup } from 'xstate';
import { sendTo } from '../../src/runtime/message.js';
import type { Envelope, SendCommand } from '../../src/runtime/message.js';
import { scenario } from '../scenarios/harness.js';
import { add, counter } from './fixtures.js';

/** Emits `add 1` to /slow every millisecond, forever: a producer 100× faster than a 100 ms consumer. */
const ticker = setup({ types: { context: {} as { sent: number }, events: {} as Envelope, emitted: {} as SendCommand } }).createMachine({
  context: { sent: 0 },
  initial: 'ticking',
  states: {
    ticking: {
      after: { 1: { target: 'ticking', reenter: true, actions: [assign({ sent: ({ context }) => context.sent + 1 }), sendTo('/slow', { type: 'add', payload: 1 })] } },
    },
  },
});

describe('block: backpressure', () => {
  scenario('a timer-driven producer 100× faster than its consumer is held to the consumer pace with bounded memory', async (sim) => {
    sim.system.spawn('/slow', counter, { mailbox: { capacity: 10, policy: 'block' } });
    sim.system.faults.delay('/slow', 100);
    sim.system.spawn('/fast', ticker);
    let maxDepth = 0;
    let maxWaiting = 0;
    for (let t = 0; t < 100; t += 1) {
      await sim.advance(100);
      const { depth, waiting } = sim.system.stats('/slow').mailbox;
      maxDepth = Math.max(maxDepth, depth);
      maxWaiting = Math.max(maxWaiting, waiting);
    }
    const slow = sim.system.stats('/slow').mailbox;
    expect(maxDepth).toBeLessThanOrEqual(10);
    expect(maxWaiting).toBeLessThanOrEqual(1);
    // 10 s of simulated time at 100 ms per message: ~100 handled; unbounded, the producer would have sent 10,000.
    expect(slow.processed).toBeGreaterThanOrEqual(99);
    expect(slow.received).toBeLessThanOrEqual(slow.processed + 11);
    expect(sim.system.stats('/fast').status).toBe('running');
  });

  scenario('an external sender awaiting send() waits while the mailbox is full and keeps its order', async (sim) => {
    sim.system.spawn('/slow', counter, { mailbox: { capacity: 4, policy: 'block' } });
    sim.system.faults.delay('/slow', 100);
    let sent = 0;
    const producer = (async () => {
      for (let i = 1; i <= 50; i += 1) {
        await sim.system.send('/slow', add(i));
        sent = i;
      }
    })();
    await sim.advance(1000);
    const { depth, waiting, processed } = sim.system.stats('/slow').mailbox;
    expect(depth).toBeLessThanOrEqual(4);
    expect(waiting).toBeLessThanOrEqual(1);
    expect(sent).toBeLessThanOrEqual(processed + 5);
    await sim.runUntilIdle();
    await producer;
    const reply = sim.system.ask<{ type: 'value'; payload: number }>('/slow', { type: 'get' }, 1000);
    await sim.runUntilIdle();
    expect((await reply).payload).toBe((50 * 51) / 2);
  });
});

describe('coalesce', () => {
  const recorder = setup({
    types: { context: {} as { seen: [string, number][] }, events: {} as Envelope<{ type: 'set'; payload: { key: string; value: number } }> },
  }).createMachine({
    context: { seen: [] },
    on: { set: { actions: assign({ seen: ({ context, event }) => [...context.seen, [event.payload.key, event.payload.value] as [string, number]] }) } },
  });

  scenario('keeps only the newest queued message per key, in the position of the first', async (sim) => {
    const ref = sim.system.spawn('/r', recorder, {
      mailbox: { capacity: 100, policy: 'coalesce', coalesceKey: (envelope) => (envelope.payload as { key: string }).key },
    });
    for (let value = 1; value <= 20; value += 1) {
      for (const key of ['a', 'b', 'c']) await ref.send({ type: 'set', payload: { key, value } });
    }
    await sim.runUntilIdle();
    const snapshot = sim.system.stats('/r');
    expect(snapshot.mailbox).toMatchObject({ received: 60, processed: 3, coalesced: 57 });
    const { context } = sim.system.snapshot('/r') as { context: { seen: [string, number][] } };
    expect(context.seen).toEqual([['a', 20], ['b', 20], ['c', 20]]);
  });
});
