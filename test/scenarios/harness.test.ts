import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/runtime/simulation.js';
import { counter } from '../runtime/fixtures.js';
import { withReplayHint } from './harness.js';

describe('scenario harness', () => {
  it('names the seed, the replay command and the last trace lines when a scenario fails', async () => {
    const sim = new Simulation({ seed: 314 });
    sim.system.spawn('/c', counter, { maxMessageCrashes: 1 });
    await sim.system.send('/c', { type: 'boom' });
    await sim.runUntilIdle();
    const error = withReplayHint(new Error('expected 1 to be 2'), 'my scenario', sim) as Error;
    expect(error.message).toContain('replay with: TROUPE_SEED=314 npx vitest run -t "my scenario"');
    expect(error.message).toContain('actor.crashed /c boom boom');
  });
});
