import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../src/runtime/clock.js';
import { MemoryBackend } from '../../../src/runtime/persistence/memory-backend.js';
import { registerStateMetrics } from '../../../src/runtime/persistence/state-metrics.js';
import { StateStore } from '../../../src/runtime/persistence/state-store.js';

describe('state store metrics', () => {
  it('show writes, commits and what still waits for a commit', async () => {
    const store = new StateStore(new MemoryBackend(), { durability: 'batch', clock: new SimulatedClock() });
    const registry = new Registry();
    registerStateMetrics(registry, store);
    store.put('/a#x', 1);
    store.put('/a#y', 2);
    expect(await registry.metrics()).toMatch(/troupe_state_pending_writes 2\n/);
    await store.flush();
    const text = await registry.metrics();
    expect(text).toMatch(/troupe_state_writes_total 2\n/);
    expect(text).toMatch(/troupe_state_commits_total 1\n/);
    expect(text).toMatch(/troupe_state_pending_writes 0\n/);
    expect(text).toMatch(/troupe_state_durability 1\n/);
  });
});
