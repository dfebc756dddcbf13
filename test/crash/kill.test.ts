import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KILL_MOMENTS, runKillSoak } from './kill-harness.js';

describe('troupe run killed with SIGKILL at random moments and restarted', () => {
  it('ends at the fused view, its output file one unbroken stream, after 20 kills', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'troupe-kill-'));
    try {
      const result = await runKillSoak({ kills: 20, seed: 20261123, dir });
      expect(result.view).toEqual(result.expected);
      expect(Object.keys(result.expected.endpoints).length).toBeGreaterThan(5);
      // The seed spreads the kills over every kind of moment, and the files changed along the way.
      for (const moment of KILL_MOMENTS) expect(result.moments[moment], moment).toBeGreaterThan(0);
      expect(result.changes).toBeGreaterThan(10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
