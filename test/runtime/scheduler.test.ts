import { describe, expect, it } from 'vitest';
import { AskTimeoutError } from '../../src/runtime/errors.js';
import { RealTimeScheduler } from '../../src/runtime/scheduler.js';
import { realClock } from '../../src/runtime/clock.js';
import { ActorSystem } from '../../src/runtime/system.js';
import { add, counter } from './fixtures.js';

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
