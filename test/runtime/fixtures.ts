/** Actor logic shared by runtime tests: small machines whose behaviour the tests can see. */
import { assign, setup } from 'xstate';
import { reply, sendTo } from '../../src/runtime/message.js';
import type { Envelope, SendCommand } from '../../src/runtime/message.js';
import { placeable, placeableDurability } from '../../src/runtime/threads/logic-registry.js';
import type { StateStore } from '../../src/runtime/persistence/state-store.js';
import type { DurableOptions } from '../../src/runtime/persistence/durable.js';

export type CounterEvent =
  | Envelope<{ type: 'add'; payload: number }>
  | Envelope<{ type: 'boom'; payload?: string }>
  | Envelope<{ type: 'get' }>
  | Envelope<{ type: 'get-for'; payload: string }>;

/**
 * Sums `add`s, throws on `boom`, answers `get` with `{ type: 'value', payload: sum }`, and `get-for`
 * by sending that answer to the path in its payload (a `get` relayed by another actor).
 */
// Placeable: a worker thread can create them from this module (threads/logic-registry.ts).
export const counter = placeable(import.meta.url, 'counter', setup({
  types: { context: {} as { sum: number; seen: number[] }, events: {} as CounterEvent, emitted: {} as SendCommand },
  actions: {
    explode: (_, params: { message: string }) => {
      throw new Error(params.message);
    },
  },
}).createMachine({
  id: 'counter',
  context: { sum: 0, seen: [] },
  on: {
    add: { actions: assign({ sum: ({ context, event }) => context.sum + event.payload, seen: ({ context, event }) => [...context.seen, event.payload] }) },
    boom: { actions: { type: 'explode', params: ({ event }) => ({ message: event.payload ?? 'boom' }) } },
    get: { actions: reply(({ context }) => ({ type: 'value', payload: context.sum })) },
    'get-for': { actions: sendTo(({ event }) => event.payload, ({ context }) => ({ type: 'value', payload: context.sum })) },
  },
}));

/** The counter's sum kept in a store (its `seen` list starts empty again); placeable on a worker. */
export const counterDurability = placeableDurability(import.meta.url, 'counterDurability', (store: StateStore): DurableOptions<{ sum: number; seen: number[] }, unknown> => ({
  store,
  version: 1,
  save: (context, state) => state.put('sum', context.sum),
  restore: (state) => {
    const sum = state.get('sum') as number | undefined;
    return sum === undefined ? undefined : { sum, seen: [] };
  },
}));

/** Forwards each `item` to `input.to`, doubled; relays a `get` behind them (the answer comes from `to`). */
export const doubler = placeable(import.meta.url, 'doubler', setup({
  types: {
    context: {} as { to: string },
    input: {} as { to: string },
    events: {} as Envelope<{ type: 'item'; payload: number }> | Envelope<{ type: 'get' }>,
    emitted: {} as SendCommand,
  },
}).createMachine({
  context: ({ input }) => ({ to: input.to }),
  on: {
    item: { actions: sendTo(({ context }) => context.to, ({ event }) => ({ type: 'add', payload: (event.payload as number) * 2 })) },
    get: { actions: sendTo(({ context }) => context.to, ({ event }) => ({ type: 'get-for', payload: event.sender })) },
  },
}));

export const add = (payload: number) => ({ type: 'add', payload }) as const;
