import { afterEach, describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { MailboxFullError } from '../../../src/runtime/errors.js';
import type { RuntimeEvent } from '../../../src/runtime/events.js';
import { sendTo } from '../../../src/runtime/message.js';
import type { Envelope, SendCommand } from '../../../src/runtime/message.js';
import { InspectionServer } from '../../../src/runtime/inspection/server.js';
import { SimulatedScheduler } from '../../../src/runtime/scheduler.js';
import { ActorSystem } from '../../../src/runtime/system.js';
import { createRandom } from '../../../src/runtime/random.js';
import { add, counter, counterDurability, doubler } from '../fixtures.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimulatedClock, realClock } from '../../../src/runtime/clock.js';
import { openStateStore } from '../../../src/runtime/persistence/lmdb-store.js';
import { MemoryBackend } from '../../../src/runtime/persistence/memory-backend.js';
import { StateStore } from '../../../src/runtime/persistence/state-store.js';

let system: ActorSystem | undefined;

afterEach(async () => {
  await system?.shutdown();
  system = undefined;
});

function threaded(actors: Record<string, string>) {
  system = new ActorSystem({ seed: 1, placement: { actors } });
  system.spawnSupervisor('/w', { intensity: { maxRestarts: 10, withinMs: 60_000 }, backoff: { minMs: 1, maxMs: 10, jitter: 0 } });
  return system;
}

const sumOf = async (system: ActorSystem, path: string) => (await system.ask(path, { type: 'get' }, 10_000)).payload as number;
/** Every runtime event, and a promise for the moment a test on them first holds (no waiting on time). */
function events(system: ActorSystem) {
  const seen: RuntimeEvent[] = [];
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  system.events.subscribe((event) => {
    seen.push(event);
    for (const waiter of [...waiters]) if (waiter.test()) { waiters.splice(waiters.indexOf(waiter), 1); waiter.resolve(); }
  });
  const until = (test: () => boolean) => new Promise<void>((resolve) => { if (test()) resolve(); else waiters.push({ test, resolve }); });
  return { seen, until };
}

/** On `go`, sends `add 1` to `/w/slow` and `go` to itself, `input.count` times: a producer as fast as the runtime. */
const producer = setup({ types: { context: {} as { left: number }, input: {} as { count: number }, events: {} as Envelope, emitted: {} as SendCommand } }).createMachine({
  context: ({ input }) => ({ left: input.count }),
  on: {
    go: {
      guard: ({ context }) => context.left > 0,
      actions: [assign({ left: ({ context }) => context.left - 1 }), sendTo('/w/slow', { type: 'add', payload: 1 }), sendTo('/w/producer', { type: 'go' })],
    },
  },
});

describe('actors on worker threads', () => {
  it('take messages from main and answer an ask, and say which thread they are on', async () => {
    const system = threaded({ '/w/counter': 'worker:1' });
    system.spawn('/w/counter', counter);
    for (let n = 1; n <= 1000; n += 1) await system.send('/w/counter', add(n));
    expect(await sumOf(system, '/w/counter')).toBe(500_500);
    const stats = (await system.actorsEverywhere()).find((actor) => actor.path === '/w/counter')!;
    expect(stats).toMatchObject({ thread: 'worker:1', status: 'running', mailbox: { received: 1001, processed: 1001 } });
    expect(system.threadOf('/w/counter')).toBe('worker:1');
  });

  for (const wire of ['clone', 'json'] as const) it(`keep each sender's order, worker to worker (directly) and main to worker (wire: ${wire})`, async () => {
    const system = threaded({ '/w/doubler': 'worker:1', '/w/counter': 'worker:2' });
    system.spawn('/w/counter', counter, { wire });
    system.spawn('/w/doubler', doubler, { input: { to: '/w/counter' }, wire });
    for (let n = 1; n <= 500; n += 1) {
      await system.send('/w/doubler', { type: 'item', payload: n }); // arrives doubled: even
      await system.send('/w/counter', add(-n)); // straight from main: negative
    }
    await system.ask('/w/doubler', { type: 'get' }, 10_000); // relayed behind the doubler's items: all are in
    const { context } = await system.snapshotEverywhere('/w/counter') as { context: { seen: number[] } };
    expect(context.seen.filter((value) => value > 0)).toEqual(Array.from({ length: 500 }, (_, index) => (index + 1) * 2));
    expect(context.seen.filter((value) => value < 0)).toEqual(Array.from({ length: 500 }, (_, index) => -(index + 1)));
  });

  it('refuse, at the sender, a payload that a JSON-wire actor cannot take (TROUPE_ERR_WIRE_FORMAT), and take the next one', async () => {
    const system = threaded({ '/w/counter': 'worker:1' });
    system.spawn('/w/counter', counter, { wire: 'json' });
    expect(() => system.send('/w/counter', { type: 'add', payload: 10n })).toThrow(expect.objectContaining({ code: 'TROUPE_ERR_WIRE_FORMAT', message: expect.stringMatching(/message add to \/w\/counter cannot cross threads as JSON/) }));
    await system.send('/w/counter', add(2));
    expect(await sumOf(system, '/w/counter')).toBe(2);
  });

  it('make an external sender wait while a slow actor\'s mailbox on a worker is full, never holding more than its capacity', async () => {
    const system = threaded({ '/w/slow': 'worker:1' });
    system.spawn('/w/slow', counter, { mailbox: { capacity: 4, policy: 'block' } });
    system.faults.delay('/w/slow', 2); // each message then costs 2 ms on the worker's clock
    let waited = 0;
    let highest = 0;
    for (let n = 1; n <= 100; n += 1) {
      const sent = system.send('/w/slow', add(n));
      if (sent !== undefined) {
        waited += 1;
        await sent;
      }
      highest = Math.max(highest, system.occupancyOf('/w/slow')!);
    }
    expect(await sumOf(system, '/w/slow')).toBe(5050);
    expect(highest).toBeLessThanOrEqual(4);
    expect(waited).toBeGreaterThan(50); // a 2 ms consumer is slower than a loop of sends: most of them waited
    const stats = (await system.actorsEverywhere()).find((actor) => actor.path === '/w/slow')!;
    expect(stats.mailbox.highWater).toBeLessThanOrEqual(4);
  });

  it('hold a fast producer on main to a slow consumer\'s pace on a worker (backpressure across threads)', async () => {
    const system = threaded({ '/w/slow': 'worker:1' });
    system.spawn('/w/slow', counter, { mailbox: { capacity: 8, policy: 'block' } });
    system.faults.delay('/w/slow', 1);
    system.spawn('/w/producer', producer, { input: { count: 300 } });
    await system.send('/w/producer', { type: 'go' });
    let sum = 0;
    let highest = 0;
    let lane = 0;
    while (sum < 300) {
      sum = await sumOf(system, '/w/slow');
      highest = Math.max(highest, system.occupancyOf('/w/slow')!);
      lane = Math.max(lane, system.waitingAcrossThreads());
    }
    expect(highest).toBeLessThanOrEqual(8); // the get asks take a place too
    expect(lane).toBeLessThanOrEqual(2); // the producer parks on its one waiting message (plus an ask)
    expect(system.stats('/w/producer').status).toBe('running');
  });

  it('refuse a send to a full `fail` mailbox on a worker at once, and count it where the actor is', async () => {
    const system = threaded({ '/w/strict': 'worker:1' });
    system.spawn('/w/strict', counter, { mailbox: { capacity: 2, policy: 'fail' } });
    // Five sends in one turn of main's event loop: nothing has reached the worker yet, so two places exist.
    const outcomes = [1, 2, 3, 4, 5].map((n) => {
      try {
        void system.send('/w/strict', add(n));
        return 'sent';
      } catch (error) {
        return error instanceof MailboxFullError ? 'refused' : String(error);
      }
    });
    expect(outcomes).toEqual(['sent', 'sent', 'refused', 'refused', 'refused']);
    const strict = async () => (await system.actorsEverywhere()).find((actor) => actor.path === '/w/strict')!;
    while ((await strict()).mailbox.processed < 2); // each turn is a control call answered by the worker
    expect((await strict()).mailbox).toMatchObject({ received: 5, processed: 2, rejected: 3 });
    expect(await sumOf(system, '/w/strict')).toBe(3);
  });

  it('are restarted by their supervisor on main when they crash, and a poison message is dead-lettered', async () => {
    const system = threaded({ '/w/counter': 'worker:1' });
    const { seen } = events(system);
    system.spawn('/w/counter', counter, { maxMessageCrashes: 2 });
    await system.send('/w/counter', add(5));
    await system.send('/w/counter', { type: 'boom', payload: 'poison' });
    await system.send('/w/counter', add(7));
    // A restarted counter starts from 0: it crashed twice on the poison, then took the 7.
    expect(await sumOf(system, '/w/counter')).toBe(7);
    expect(seen.filter((event) => event.type === 'actor.crashed' && event.path === '/w/counter')).toHaveLength(2);
    expect(seen.filter((event) => event.type === 'actor.restarted' && event.path === '/w/counter')).toHaveLength(2);
    expect(system.deadLetters.list().map((letter) => [letter.path, letter.reason, letter.envelope.type])).toEqual([['/w/counter', 'poison', 'boom']]);
  });

  it('are restarted on a new worker when theirs dies mid-stream, and the stream goes on', async () => {
    const system = threaded({ '/w/doubler': 'worker:1', '/w/counter': 'worker:1' });
    const { seen, until } = events(system);
    system.spawn('/w/counter', counter);
    system.spawn('/w/doubler', doubler, { input: { to: '/w/counter' } });
    const before = system.workerThreads().get('worker:1');
    for (let n = 1; n <= 100; n += 1) await system.send('/w/doubler', { type: 'item', payload: n });
    expect((await system.ask('/w/doubler', { type: 'get' }, 10_000)).payload).toBe(10_100);
    system.faults.killThread('worker:1');
    await until(() => seen.filter((event) => event.type === 'actor.restarted').length === 2);
    // Restarted from scratch on the replacement (their state died with the thread): the stream goes on there.
    for (let n = 1; n <= 100; n += 1) await system.send('/w/doubler', { type: 'item', payload: 1000 });
    expect((await system.ask('/w/doubler', { type: 'get' }, 10_000)).payload).toBe(200_000);
    expect(system.workerThreads().get('worker:1')).not.toBe(before);
    const crashes = seen.filter((event): event is Extract<RuntimeEvent, { type: 'actor.crashed' }> => event.type === 'actor.crashed');
    expect(crashes.map((event) => event.path).sort()).toEqual(['/w/counter', '/w/doubler']);
    expect(crashes[0]!.error.message).toMatch(/worker thread worker:1 exited with code 70/);
  });

  it('restore from LMDB when their worker dies and their supervisor restarts them on a fresh one (durable)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'troupe-worker-lmdb-'));
    try {
      const store = openStateStore({ dir, durability: 'sync', clock: realClock, log: () => undefined });
      const system = threaded({ '/w/kept': 'worker:1', '/w/lost': 'worker:1' });
      const { seen, until } = events(system);
      system.spawn('/w/kept', counter, { durable: counterDurability(store) });
      system.spawn('/w/lost', counter);
      for (let n = 1; n <= 100; n += 1) for (const path of ['/w/kept', '/w/lost']) await system.send(path, add(n));
      expect([await sumOf(system, '/w/kept'), await sumOf(system, '/w/lost')]).toEqual([5050, 5050]);
      system.faults.killThread('worker:1');
      await until(() => seen.filter((event) => event.type === 'actor.restarted').length === 2);
      // The durable counter picks up where it was; the other starts from nothing, as before.
      expect([await sumOf(system, '/w/kept'), await sumOf(system, '/w/lost')]).toEqual([5050, 0]);
      expect(seen.filter((event) => event.type === 'actor.restored').map((event) => event.path)).toEqual(['/w/kept']);
      await system.send('/w/kept', add(1));
      expect(await sumOf(system, '/w/kept')).toBe(5051);
      await system.shutdown();
      await store.close();
      // What the worker wrote is in the environment main reads.
      const reopened = openStateStore({ dir, durability: 'sync', clock: realClock, log: () => undefined });
      expect(reopened.get('/w/kept#sum')).toBe(5051);
      await reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuse a durable actor on a worker whose store cannot be opened there, saying why', () => {
    const system = threaded({ '/w/kept': 'worker:1' });
    const memory = new StateStore(new MemoryBackend(), { durability: 'sync', clock: realClock });
    expect(() => system.spawn('/w/kept', counter, { durable: counterDurability(memory) })).toThrow(/its store lives in this thread's memory/);
    expect(() => system.spawn('/w/kept', counter, { durable: { store: memory, version: 1, save: () => undefined, restore: () => undefined } })).toThrow(/its durability is not placeable/);
  });

  it('stay on main under simulation, which says so', () => {
    const clock = new SimulatedClock();
    const random = createRandom(1);
    system = new ActorSystem({ clock, random, scheduler: new SimulatedScheduler(random), placement: { actors: { '/w/counter': 'worker:1' } } });
    system.spawnSupervisor('/w');
    system.spawn('/w/counter', counter);
    expect(system.workerThreads().size).toBe(0);
    expect(system.threadOf('/w/counter')).toBe('main');
    expect(system.threadsNote).toMatch(/simulation keeps every actor on main/);
    system = undefined; // nothing runs on its own under simulation: there is nothing to shut down
  });
});

describe('the inspection endpoint of a multi-threaded system', () => {
  it('shows every thread\'s actors with their figures, which thread each is on, and the threads\' ids', async () => {
    const system = threaded({ '/w/counter': 'worker:1' });
    system.spawn('/w/counter', counter);
    for (let n = 1; n <= 10; n += 1) await system.send('/w/counter', add(n));
    expect(await sumOf(system, '/w/counter')).toBe(55);
    const server = await InspectionServer.start({ system, address: '127.0.0.1:0' });
    try {
      const tree = await (await fetch(`${server.url}/actors`)).json() as { actors: { path: string; thread: string; processed: number }[]; threads: Record<string, number> };
      expect(tree.actors.find((actor) => actor.path === '/w/counter')).toMatchObject({ thread: 'worker:1', processed: 11 });
      expect(tree.actors.find((actor) => actor.path === '/w')).toMatchObject({ thread: 'main' });
      expect(tree.threads['worker:1']).toBe(system.workerThreads().get('worker:1'));
      const detail = await (await fetch(`${server.url}/actors/w/counter`)).json() as { actor: { thread: string }; snapshot: { context: { sum: number } } };
      expect(detail.actor.thread).toBe('worker:1');
      expect(detail.snapshot.context.sum).toBe(55);
    } finally {
      await server.close();
    }
  });
});
