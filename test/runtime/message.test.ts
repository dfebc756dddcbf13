import { describe, expect, it } from 'vitest';
import { createActor, setup } from 'xstate';
import { reply, sendTo } from '../../src/runtime/message.js';
import type { Envelope, SendCommand } from '../../src/runtime/message.js';
import { Simulation } from '../../src/runtime/simulation.js';
import { counter } from './fixtures.js';

type Ev = Envelope<{ type: 'n'; payload: number }> | Envelope<{ type: 'ask' }>;
const machine = setup({ types: { context: {} as { last: number }, events: {} as Ev, emitted: {} as SendCommand } }).createMachine({
  context: { last: 0 },
  on: {
    n: { actions: [sendTo('/a', ({ event }) => ({ type: 'plus', payload: event.payload + 1 })), sendTo(({ event }) => `/b/${event.payload}`, 'times', ({ event }) => event.payload * 10)] },
    ask: { actions: reply({ type: 'pong' }) },
  },
});
const envelope = (type: string, payload?: unknown, sender?: string, correlationId?: string) => ({ type, payload, sender, correlationId, enqueuedAt: 0 }) as never;

describe('send helpers', () => {
  it('under plain xstate, surface as emitted troupe.send events (logic stays testable without troupe)', () => {
    const actor = createActor(machine);
    const emitted: SendCommand[] = [];
    actor.on('*', (event) => emitted.push(event as SendCommand));
    actor.start();
    actor.send(envelope('n', 4));
    actor.send(envelope('ask', undefined, '/_ask/9', 'ask-9'));
    expect(emitted).toEqual([
      { type: 'troupe.send', to: '/a', message: { type: 'plus', payload: 5 } },
      { type: 'troupe.send', to: '/b/4', message: { type: 'times', payload: 40 } },
      { type: 'troupe.send', to: '/_ask/9', message: { type: 'pong', payload: undefined }, correlationId: 'ask-9' },
    ]);
  });

  it('under troupe, both forms deliver envelopes stamped with the sender', async () => {
    const sim = new Simulation({ seed: 3 });
    sim.system.spawnSupervisor('/b');
    sim.system.spawn('/a', counter);
    sim.system.spawn('/b/4', counter);
    sim.system.spawn('/m', machine);
    await sim.system.send('/m', { type: 'n', payload: 4 });
    await sim.runUntilIdle();
    // counter ignores unknown types; what matters is what arrived where, from whom
    const delivered = sim.eventsOf('actor.processed').filter((event) => event.path !== '/m').map((event) => [event.path, event.messageType]);
    expect(delivered).toEqual(expect.arrayContaining([['/a', 'plus'], ['/b/4', 'times']]));
  });
});
