import { describe, expect } from 'vitest';
import { assign, setup } from 'xstate';
import { sendTo } from '../../src/runtime/message.js';
import type { Envelope, SendCommand } from '../../src/runtime/message.js';
import { scenario } from '../scenarios/harness.js';

const forwarder = setup({
  types: { context: {} as { seen: number }, events: {} as Envelope<{ type: 'item'; payload: number }>, emitted: {} as SendCommand },
}).createMachine({
  context: { seen: 0 },
  on: {
    item: { actions: [assign({ seen: ({ context }) => context.seen + 1 }), sendTo('/sink', ({ event }) => ({ type: 'item', payload: event.payload * 2 }))] },
  },
});

const sink = setup({ types: { context: {} as { sum: number }, events: {} as Envelope<{ type: 'item'; payload: number }> } }).createMachine({
  context: { sum: 0 },
  on: { item: { actions: assign({ sum: ({ context, event }) => context.sum + event.payload }) } },
});

describe('smoke', () => {
  scenario('messages flow through two actors', async (sim) => {
    sim.system.spawn('/sink', sink);
    const head = sim.system.spawn('/head', forwarder);
    for (let i = 1; i <= 10; i += 1) await head.send({ type: 'item', payload: i });
    await sim.runUntilIdle();
    expect(sim.system.stats('/sink').mailbox.processed).toBe(10);
    expect((sim.system.stats('/head').mailbox.processed)).toBe(10);
  });
});
