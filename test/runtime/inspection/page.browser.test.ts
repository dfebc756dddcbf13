/**
 * The inspection page in a real browser: Debian's chromium (installed by .ci/run) driven by
 * playwright-core. The page must draw the pipeline's actors and show an actor's state when clicked.
 */
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { calcEdges, registerCalcMetrics } from '../../../src/actors/calc/actors/calc-metrics.js';
import { ActorCalcGraph } from '../../../src/actors/calc/actors/wiring.js';
import { StateSink } from '../../../src/actors/calc/output/dataplane-connection.js';
import { InspectionServer } from '../../../src/runtime/inspection/server.js';
import { Simulation } from '../../../src/runtime/simulation.js';
import { settle } from '../../actors/calc/actors/actor-graph.js';
import { STATE_LISTS } from '../../actors/calc/states/states.js';

let browser: Browser;
let server: InspectionServer;

beforeAll(async () => {
  const sim = new Simulation({ seed: 2 });
  const graph = ActorCalcGraph.spawn(sim.system, { hostname: 'h1', sink: new StateSink() });
  server = await InspectionServer.start({ system: sim.system, address: '127.0.0.1:0', edges: () => calcEdges(), metrics: (registry) => registerCalcMetrics(registry, graph.figures, sim.system) });
  await settle(sim, graph.onRecords(STATE_LISTS['policyLifecycle']![0]!.kvs));
  await settle(sim, graph.onStatus('InSync'));
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the inspection page', () => {
  it('draws the pipeline as a graph of actors and shows an actor\'s state when clicked', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    const member = page.locator('g.actor[data-path="/calc/member-calc"]');
    await member.waitFor();
    for (const path of ['/calc/source', '/calc/active-rules', '/calc/rule-scanner', '/calc/policy-resolver', '/calc/sequencer', '/calc/dataplane']) {
      await expect(page.locator(`g.actor[data-path="${path}"]`).count()).resolves.toBe(1);
    }
    await expect(page.locator('path.edge').count()).resolves.toBeGreaterThanOrEqual(10);
    await page.locator('g.actor[data-path="/calc/source"]').click();
    await page.locator('#detail-path').waitFor();
    await expect(page.locator('#detail-path').textContent()).resolves.toBe('/calc/source');
    await expect(page.locator('#detail-state').textContent()).resolves.toContain('state: "inSync"');
    await expect(page.locator('#detail-events').textContent()).resolves.toContain('actor.state-changed');
    await page.close();
  }, 60_000);
});
