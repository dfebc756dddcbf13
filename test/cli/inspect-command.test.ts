import { afterEach, describe, expect, it } from 'vitest';
import { ActorCalcGraph } from '../../src/actors/calc/actors/wiring.js';
import { StateSink } from '../../src/actors/calc/output/dataplane-connection.js';
import { inspectCommand } from '../../src/cli/inspect-command.js';
import type { InspectOptions } from '../../src/cli/inspect-command.js';
import { SimulatedClock } from '../../src/runtime/clock.js';
import { InspectionServer } from '../../src/runtime/inspection/server.js';
import { Simulation } from '../../src/runtime/simulation.js';
import { settle } from '../actors/calc/actors/actor-graph.js';
import { captured } from './captured.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let server: InspectionServer | undefined;
afterEach(async () => { await server?.close(); server = undefined; });

async function running(token?: string) {
  const sim = new Simulation({ seed: 4 });
  const graph = ActorCalcGraph.spawn(sim.system, { hostname: 'h1', sink: new StateSink() });
  server = await InspectionServer.start({ system: sim.system, address: '127.0.0.1:0', ...(token === undefined ? {} : { token }) });
  await settle(sim, graph.onStatus('InSync'));
  return server.url.replace('http://', '');
}

function inspect(options: Partial<InspectOptions>) {
  return captured((out, err) => inspectCommand({ address: '127.0.0.1:1', json: false, out, err, ...options }));
}

describe('troupe inspect', () => {
  it('prints the actor tree as a table: path, state, status, mailbox, rate, restarts', async () => {
    const { code, stdout } = await inspect({ address: await running() });
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^PATH\s+STATE\s+STATUS\s+MAILBOX\s+RATE\s+RESTARTS$/);
    expect(lines.find((line) => line.startsWith('/calc/source '))).toMatch(/^\/calc\/source\s+inSync\s+running\s+0\/256 \(max \d+\)\s+[\d.]+\/s\s+0$/);
  });

  it('--json prints the tree; --actor one actor in detail', async () => {
    const address = await running();
    const json = JSON.parse((await inspect({ address, json: true })).stdout) as { actors: { path: string }[] };
    expect(json.actors.map((actor) => actor.path)).toContain('/calc/sequencer');
    const detail = JSON.parse((await inspect({ address, actor: '/calc/source' })).stdout) as { actor: { path: string }; events: unknown[] };
    expect(detail.actor.path).toBe('/calc/source');
    expect(detail.events.length).toBeGreaterThan(0);
  });

  it('--watch refreshes on the clock until stopped', async () => {
    const address = await running();
    const clock = new SimulatedClock();
    let stop!: () => void;
    const waiters = new Map<number, () => void>();
    const shown = (count: number) => new Promise<void>((resolve) => { waiters.set(count, resolve); });
    const first = shown(1);
    const second = shown(2);
    const run = inspect({ address, watch: 2, clock, stop: new Promise((resolve) => { stop = resolve; }), onShown: (count) => waiters.get(count)?.() });
    // The refresh timer is armed a few microtasks after the table is printed.
    const timerArmed = async () => { for (let turn = 0; turn < 100 && clock.pendingTimers === 0; turn += 1) await Promise.resolve(); };
    await first;
    await timerArmed();
    clock.advance(2_000);
    await second;
    await timerArmed();
    stop();
    clock.advance(2_000);
    const { code, stdout } = await run;
    expect(code).toBe(0);
    expect(stdout.match(/PATH\s+STATE/g)!.length).toBe(2);
  });

  it('uses the token file, and says when the endpoint refuses or cannot be reached', async () => {
    const address = await running('t0ken');
    expect(await inspect({ address })).toMatchObject({ code: 1, stderr: expect.stringContaining('401') });
    const file = join(mkdtempSync(join(tmpdir(), 'troupe-token-')), 'token');
    writeFileSync(file, 't0ken\n');
    expect((await inspect({ address, tokenFile: file })).code).toBe(0);
    expect(await inspect({ address: '127.0.0.1:1' })).toMatchObject({ code: 1, stderr: expect.stringContaining('troupe inspect:') });
  });
});
