import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/runtime/simulation.js';
import { add, counter, doubler } from './fixtures.js';

/** Three forwarders feed one sink; the order in which the sink sees values is the interleaving. */
async function fanIn(seed: number): Promise<{ trace: string[]; seen: number[] }> {
  const sim = new Simulation({ seed });
  sim.system.spawn('/sink', counter);
  for (const name of ['a', 'b', 'c']) sim.system.spawn(`/${name}`, doubler, { input: { to: '/sink' } });
  for (let i = 0; i < 5; i += 1) {
    await sim.system.send('/a', { type: 'item', payload: 100 + i });
    await sim.system.send('/b', { type: 'item', payload: 200 + i });
    await sim.system.send('/c', { type: 'item', payload: 300 + i });
  }
  sim.system.faults.crashNext('/b');
  await sim.system.send('/sink', add(0));
  await sim.runUntilIdle();
  const { context } = sim.system.snapshot('/sink') as { context: { seen: number[] } };
  return { trace: sim.trace, seen: context.seen };
}

describe('deterministic simulation', () => {
  it('the same seed gives the identical trace and result', async () => {
    const first = await fanIn(99);
    const second = await fanIn(99);
    expect(second.trace).toEqual(first.trace);
    expect(second.seen).toEqual(first.seen);
    expect(first.trace.length).toBeGreaterThan(30);
  });

  it('different seeds explore different interleavings', async () => {
    const orders = new Set<string>();
    for (let seed = 1; seed <= 10; seed += 1) orders.add(JSON.stringify((await fanIn(seed)).seen));
    expect(orders.size).toBeGreaterThan(3);
  });

  it('every seed keeps per-sender order', async () => {
    for (let seed = 1; seed <= 10; seed += 1) {
      const { seen } = await fanIn(seed);
      for (const base of [200, 400, 600]) {
        const fromOne = seen.filter((value) => value >= base && value < base + 100);
        expect(fromOne).toEqual([...fromOne].sort((x, y) => x - y));
        expect(fromOne).toHaveLength(5);
      }
    }
  });
});
