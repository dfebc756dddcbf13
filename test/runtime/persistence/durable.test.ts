import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import type { Envelope } from '../../../src/runtime/message.js';
import { sendTo } from '../../../src/runtime/message.js';
import { MemoryBackend } from '../../../src/runtime/persistence/memory-backend.js';
import { StateStore } from '../../../src/runtime/persistence/state-store.js';
import type { Durability } from '../../../src/runtime/persistence/state-store.js';
import type { DurableOptions } from '../../../src/runtime/persistence/durable.js';
import { Simulation } from '../../../src/runtime/simulation.js';
import { counter } from '../fixtures.js';

interface TallyContext { count: number; notify: string | undefined }

/** Counts `add`s; the first add arms a 1 s timer (`after`) that adds 100 and tells `notify` the count. */
const tally = setup({
  types: { context: {} as TallyContext, input: {} as { notify?: string }, events: {} as Envelope },
  actions: { count: assign({ count: ({ context, event }) => context.count + (event.payload as number) }) },
}).createMachine({
  context: ({ input }) => ({ count: 0, notify: input.notify }),
  initial: 'idle',
  states: {
    idle: { on: { add: { target: 'armed', actions: 'count' } } },
    armed: {
      on: { add: { actions: 'count' } },
      after: { 1000: { target: 'idle', actions: assign({ count: ({ context }) => context.count + 100 }) } },
    },
  },
  on: {
    report: { actions: sendTo(({ context }) => context.notify ?? '/nowhere', ({ context }) => ({ type: 'add', payload: context.count })) },
  },
});

const tallyState = (store: StateStore, version = 1): DurableOptions<TallyContext, { notify?: string }> => ({
  store,
  version,
  restore: (state, input) => {
    const count = state.get('count') as number | undefined;
    return count === undefined ? undefined : { count, notify: input.notify };
  },
  save: (context, state) => state.put('count', context.count),
});

function boot(backend: MemoryBackend, durability: Durability, startMs = 0, version = 1): { sim: Simulation; store: StateStore } {
  const sim = new Simulation({ seed: 7, startMs });
  const store = new StateStore(backend, { durability, clock: sim.clock, batchMs: 100 });
  sim.system.spawn('/tally', tally, { input: {}, durable: tallyState(store, version) });
  return { sim, store };
}

const tallyOf = (sim: Simulation) => (sim.system.snapshot('/tally') as { value: string; context: TallyContext });
const add = (sim: Simulation, payload: number) => sim.system.send('/tally', { type: 'add', payload });

describe('durable actors', () => {
  it('a restarted process resumes from the state the last group commit stored', async () => {
    const backend = new MemoryBackend();
    const first = boot(backend, 'batch');
    await add(first.sim, 5);
    await first.sim.advance(150); // the group commit (100 ms) has run
    await add(first.sim, 7); // buffered, never committed: lost with the process
    await first.sim.runUntilIdle({ untilMs: 160 });

    const second = boot(backend, 'batch', 160);
    await second.sim.runUntilIdle({ untilMs: 160 });
    expect(tallyOf(second.sim)).toMatchObject({ value: 'armed', context: { count: 5 } });
  });

  it('re-arms a pending `after` timer for the time it had left, not its whole delay', async () => {
    const backend = new MemoryBackend();
    const first = boot(backend, 'batch');
    await add(first.sim, 1); // armed at t=0, due at t=1000
    await first.sim.advance(400);
    expect(backend.data.size).toBeGreaterThan(0);

    const second = boot(backend, 'batch', 400);
    const restored = second.sim.events.filter((event) => event.type === 'actor.restored');
    expect(restored).toEqual([expect.objectContaining({ path: '/tally', timers: 1 })]);
    await second.sim.runUntilIdle({ untilMs: 999 });
    expect(tallyOf(second.sim).context.count).toBe(1);
    await second.sim.advance(1000 - second.sim.clock.now());
    expect(tallyOf(second.sim)).toMatchObject({ value: 'idle', context: { count: 101 } });
  });

  it('in sync mode a message is stored before what the actor sent because of it arrives', async () => {
    const backend = new MemoryBackend();
    const sim = new Simulation({ seed: 3 });
    const store = new StateStore(backend, { durability: 'sync', clock: sim.clock });
    sim.system.spawn('/seen', counter);
    sim.system.spawn('/tally', tally, { input: { notify: '/seen' }, durable: tallyState(store) });
    await add(sim, 9);
    await sim.system.send('/tally', { type: 'report', payload: undefined });
    await sim.runUntilIdle({ untilMs: 0 });
    expect(backend.data.get('/tally#count')).toBe(9);
    expect((sim.system.snapshot('/seen') as { context: { sum: number } }).context.sum).toBe(9);
  });

  it('an actor that crashes restarts from its last saved state, not from zero', async () => {
    const { sim } = boot(new MemoryBackend(), 'batch');
    await add(sim, 3);
    await add(sim, 4);
    await sim.runUntilIdle({ untilMs: 0 });
    sim.system.faults.crashNext('/tally');
    await add(sim, 1000); // crashes; the retry after the restart counts it once
    await sim.runUntilIdle({ untilMs: 50 });
    expect(tallyOf(sim).context.count).toBe(1007);
  });

  it('starts fresh, with one event naming the reason, when the stored state has another version', async () => {
    const backend = new MemoryBackend();
    const first = boot(backend, 'sync');
    await add(first.sim, 5);
    await first.sim.runUntilIdle({ untilMs: 0 });

    const second = boot(backend, 'sync', 0, 2);
    const discarded = second.sim.events.find((event) => event.type === 'actor.state-discarded');
    expect(discarded).toMatchObject({ path: '/tally', reason: expect.stringContaining('version 1') });
    expect(tallyOf(second.sim)).toMatchObject({ value: 'idle', context: { count: 0 } });
  });

  it('starts fresh when a stored record cannot be decoded, and stores its new state over it', async () => {
    const backend = new MemoryBackend();
    const first = boot(backend, 'sync');
    await add(first.sim, 5);
    await first.sim.runUntilIdle({ untilMs: 0 });
    backend.corrupt('/tally#count');

    const second = boot(backend, 'sync');
    expect(second.sim.events.find((event) => event.type === 'actor.state-discarded')).toMatchObject({ reason: expect.stringContaining('cannot be decoded') });
    await add(second.sim, 2);
    await second.sim.runUntilIdle({ untilMs: 0 });
    expect(backend.data.get('/tally#count')).toBe(2);
  });

  it('starts fresh when the stored state value is not a state of the machine', async () => {
    const backend = new MemoryBackend();
    backend.data.set('/tally#$actor', { version: 1, value: 'vanished', historyValue: {}, timers: [] });
    backend.data.set('/tally#count', 40);
    const { sim } = boot(backend, 'sync');
    expect(sim.events.find((event) => event.type === 'actor.state-discarded')).toMatchObject({ reason: expect.stringContaining('does not fit') });
    expect(tallyOf(sim)).toMatchObject({ value: 'idle', context: { count: 0 } });
  });

  it('with durability off nothing is stored and a restart starts from zero', async () => {
    const sim = new Simulation({ seed: 1 });
    const store = StateStore.off(sim.clock);
    sim.system.spawn('/tally', tally, { input: {}, durable: tallyState(store) });
    await add(sim, 5);
    await sim.advance(500);
    expect(store.stats).toMatchObject({ durability: 'off', writes: 0, commits: 0 });
    expect(store.get('/tally#count')).toBeUndefined();
  });

  it('groups many messages into one commit in batch mode', async () => {
    const backend = new MemoryBackend();
    const { sim, store } = boot(backend, 'batch');
    for (let i = 0; i < 50; i += 1) await add(sim, 1);
    await sim.advance(150);
    expect(backend.commits).toBe(1);
    expect(store.stats.commits).toBe(1);
    expect(backend.data.get('/tally#count')).toBe(50);
  });
});
