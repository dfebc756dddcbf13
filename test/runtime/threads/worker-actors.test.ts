import { afterEach, describe, expect, it } from 'vitest';
import { ActorSystem } from '../../../src/runtime/system.js';
import { add, counter, doubler } from '../fixtures.js';

let system: ActorSystem | undefined;

afterEach(async () => {
  await system?.shutdown();
  system = undefined;
});

function threaded(actors: Record<string, string>) {
  system = new ActorSystem({ seed: 1, placement: { actors } });
  system.spawnSupervisor('/w');
  return system;
}

describe('actors on worker threads', () => {
  it('take messages from main and answer an ask, and say which thread they are on', async () => {
    const system = threaded({ '/w/counter': 'worker:1' });
    system.spawn('/w/counter', counter);
    for (let n = 1; n <= 1000; n += 1) await system.send('/w/counter', add(n));
    const reply = await system.ask('/w/counter', { type: 'get' }, 10_000);
    expect(reply.payload).toBe(500_500);
    const stats = (await system.actorsEverywhere()).find((actor) => actor.path === '/w/counter')!;
    expect(stats).toMatchObject({ thread: 'worker:1', status: 'running', mailbox: { received: 1001, processed: 1001 } });
    expect(system.threadOf('/w/counter')).toBe('worker:1');
  });

  it('send to each other directly, worker to worker, in order', async () => {
    const system = threaded({ '/w/doubler': 'worker:1', '/w/counter': 'worker:2' });
    system.spawn('/w/counter', counter);
    system.spawn('/w/doubler', doubler, { input: { to: '/w/counter' } });
    for (let n = 1; n <= 500; n += 1) await system.send('/w/doubler', { type: 'item', payload: n });
    // The doubler's sends reach the counter before its reply to our ask can be asked for: ask the doubler's target once it has all.
    let sum = 0;
    while (sum !== 250_500) sum = (await system.ask('/w/counter', { type: 'get' }, 10_000)).payload as number;
    const snapshot = await system.snapshotEverywhere('/w/counter') as { context: { seen: number[] } };
    expect(snapshot.context.seen).toEqual(Array.from({ length: 500 }, (_, index) => (index + 1) * 2));
  });
});
