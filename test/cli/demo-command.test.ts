import { describe, expect, it } from 'vitest';
import { demoCommand } from '../../src/cli/demo-command.js';
import { captured } from './captured.js';

async function run(extra: Partial<Parameters<typeof demoCommand>[0]> = {}) {
  const { code, stdout, stderr } = await captured((out, err) => demoCommand({ clock: 'simulated', seed: 1, records: 12, intervalMs: 200, crash: [], out, err, ...extra }));
  return { code, out: stdout, err: stderr };
}

describe('troupe demo (the runtime at work, simulated clock)', () => {
  it('runs the pipeline to the end, narrating the poison record, and exits 0', async () => {
    const { code, out } = await run();
    expect(code).toBe(0);
    expect(out).toContain('/demo/parser crashed on raw: malformed record "garbage without an equals sign"');
    expect(out).toContain('dead letter: raw to /demo/parser (poison, crashed it 3×)');
    // Every record but the poison one is summed: eth1 1+4+10, lo 2+5+8+11, eth0 3+6+9+12 (×10).
    expect(out).toContain('end of input; totals {"eth1":150,"lo":260,"eth0":300}');
    expect(out).toMatch(/stopped cleanly: \d+ messages processed, 1 dead letters/);
  });

  it('prints the same run for the same seed', async () => {
    expect((await run({ seed: 5 })).out).toBe((await run({ seed: 5 })).out);
  });

  it('exits 1 with one fatal log line naming the failed actor when the root gives up', async () => {
    const { code, err } = await run({ crash: ['/demo/parser'] });
    expect(code).toBe(1);
    const lines = err.trim().split('\n');
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!) as { level: number; actor: string; msg: string };
    expect(entry).toMatchObject({ level: 60, actor: '/demo/parser' });
    expect(entry.msg).toMatch(/^root supervisor \/ gave up after 2 restarts in 60000 ms: actor \/demo\/parser failed: InjectedFaultError/);
  });
});
