import { afterEach, describe, expect, it } from 'vitest';
import { fromTransition } from 'xstate';
import { registerCalcMetrics, calcEdges } from '../../../src/actors/calc/actors/calc-metrics.js';
import { ActorCalcGraph } from '../../../src/actors/calc/actors/wiring.js';
import { StateSink } from '../../../src/actors/calc/output/dataplane-connection.js';
import { InspectionError, InspectionServer } from '../../../src/runtime/inspection/server.js';
import { Simulation } from '../../../src/runtime/simulation.js';
import { settle } from '../../actors/calc/actors/actor-graph.js';
import { STATE_LISTS } from '../../actors/calc/states/states.js';

let server: InspectionServer | undefined;
afterEach(async () => { await server?.close(); server = undefined; });

async function calcUnderInspection(options: { token?: string } = {}) {
  const sim = new Simulation({ seed: 3 });
  const sink = new StateSink();
  const graph = ActorCalcGraph.spawn(sim.system, { hostname: 'h1', sink });
  server = await InspectionServer.start({
    system: sim.system,
    address: '127.0.0.1:0',
    ...(options.token === undefined ? {} : { token: options.token }),
    ready: () => sink.state.inSyncCount > 0,
    edges: () => calcEdges(),
    metrics: (registry) => registerCalcMetrics(registry, graph.figures, sim.system),
  });
  const load = async () => {
    await settle(sim, graph.onRecords(STATE_LISTS['policyLifecycle']![0]!.kvs));
    await settle(sim, graph.onStatus('InSync'));
    await settle(sim, graph.flush());
  };
  return { sim, graph, sink, url: server.url, load };
}

const get = (url: string, headers: Record<string, string> = {}) => fetch(url, { headers });

describe('the inspection endpoint', () => {
  it('GET /actors: the tree with state, thread, mailbox figures, counts, restarts and rates; and the pipeline edges', async () => {
    const { url, load } = await calcUnderInspection();
    await load();
    const body = await (await get(`${url}/actors`)).json() as { actors: Record<string, unknown>[]; edges: { from: string; to: string }[] };
    const member = body.actors.find((actor) => actor['path'] === '/calc/member-calc')!;
    expect(member).toMatchObject({ kind: 'actor', supervisor: '/calc', status: 'running', state: 'flowing', thread: 'main', mailbox: { depth: 0, capacity: 256, policy: 'block' }, restarts: 0, lastError: null });
    expect(member['processed']).toBeGreaterThan(0);
    expect(Object.keys(member)).toEqual(expect.arrayContaining(['dropped', 'deadLettered', 'messagesPerSecond', 'children']));
    expect(body.actors.map((actor) => actor['path'])).toEqual(expect.arrayContaining(['/', '/calc', '/calc/source', '/calc/sequencer', '/calc/dataplane']));
    expect(body.edges).toContainEqual({ from: '/calc/rule-scanner', to: '/calc/member-calc' });
  });

  it('GET /actors?waitMs=N answers after N ms on the system clock (the page long-polls with it)', async () => {
    const { sim, url } = await calcUnderInspection();
    let answered = false;
    const timersBefore = sim.clock.pendingTimers;
    const pending = get(`${url}/actors?waitMs=1000`).then((response) => { answered = true; return response; });
    // Event-loop turns (not time) until the request is in and its timer armed.
    for (let turn = 0; turn < 1000 && sim.clock.pendingTimers === timersBefore; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    sim.clock.advance(999);
    for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(answered).toBe(false);
    sim.clock.advance(1);
    expect((await pending).status).toBe(200);
  });

  it('GET /actors/<path>: one actor with its snapshot summarized and its recent events', async () => {
    const { url, load } = await calcUnderInspection();
    await load();
    const response = await get(`${url}/actors/calc/source`);
    expect(response.status).toBe(200);
    const body = await response.json() as { actor: { path: string; state: string }; snapshot: { context: { snapshot: unknown } }; events: { type: string }[] };
    expect(body.actor).toMatchObject({ path: '/calc/source', state: 'inSync' });
    expect(body.snapshot.context.snapshot).toEqual({ $map: 6 }); // a large map shows as its size
    expect(body.events.map((event) => event.type)).toContain('actor.state-changed');
    expect((await get(`${url}/actors/calc/nope`)).status).toBe(404);
  });

  it('never shows values of secret-looking keys in a snapshot', async () => {
    const sim = new Simulation({ seed: 1 });
    sim.system.spawn('/vault', fromTransition((state) => state, { apiToken: 'abc', nested: { password: 'hunter2', user: 'me' }, clientSecret: 'x' }));
    server = await InspectionServer.start({ system: sim.system, address: '127.0.0.1:0' });
    await sim.runUntilIdle();
    const text = await (await get(`${server.url}/actors/vault`)).text();
    expect(text).not.toMatch(/abc|hunter2|"x"/);
    expect(JSON.parse(text).snapshot.context).toEqual({ apiToken: '[redacted]', nested: { password: '[redacted]', user: 'me' }, clientSecret: '[redacted]' });
  });

  it('GET /events streams events in order, filtered by path prefix and type', async () => {
    const { sim, url, graph } = await calcUnderInspection();
    const response = await get(`${url}/events?prefix=/calc/source&types=actor.processed,actor.state-changed`);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    await settle(sim, graph.onStatus('ResyncInProgress'));
    await settle(sim, graph.onRecords(STATE_LISTS['profiles']![0]!.kvs));
    await settle(sim, graph.onStatus('InSync'));
    const events: { type: string; path: string; messageType?: string }[] = [];
    let text = '';
    while (events.length < 5) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
      const blocks = text.split('\n\n');
      text = blocks.pop()!;
      for (const block of blocks) {
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (data !== undefined) events.push(JSON.parse(data));
      }
    }
    await reader.cancel();
    expect(events.every((event) => event.path === '/calc/source')).toBe(true);
    expect(events.map((event) => `${event.type} ${event.messageType ?? ''}`.trim())).toEqual([
      // A step's `processed` comes before the state change it caused.
      'actor.processed status', 'actor.state-changed', 'actor.processed records', 'actor.processed status', 'actor.state-changed',
    ]);
    expect((await get(`${url}/events?types=actor.nonsense`)).status).toBe(400);
  });

  it('GET /dead-letters lists dead-lettered messages with their errors', async () => {
    const sim = new Simulation({ seed: 1 });
    sim.system.spawn('/fragile', fromTransition(() => { throw new Error('cannot take this'); }, 0), { maxMessageCrashes: 1 });
    server = await InspectionServer.start({ system: sim.system, address: '127.0.0.1:0' });
    void sim.system.send('/fragile', { type: 'poison', payload: 1 });
    await sim.runUntilIdle();
    const body = await (await get(`${server.url}/dead-letters`)).json() as { total: number; deadLetters: { path: string; reason: string; error: { message: string } }[] };
    expect(body.total).toBe(1);
    expect(body.deadLetters[0]).toMatchObject({ path: '/fragile', reason: 'poison', error: { message: 'cannot take this' } });
  });

  it('GET /metrics is Prometheus text with runtime, pipeline and process metrics', async () => {
    const { url, load } = await calcUnderInspection();
    await load();
    const response = await get(`${url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    for (const line of text.trim().split('\n').filter((entry) => entry !== '')) {
      expect(line, line).toMatch(/^(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+|[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})? -?[0-9.e+-]+|[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? ([Nn][Aa][Nn]|[+-][Ii]nf))$/);
    }
    for (const name of ['troupe_actor_mailbox_depth', 'troupe_actor_messages_processed_total', 'troupe_actor_restarts_total', 'troupe_actor_processing_seconds_bucket',
      'troupe_calc_update_seconds_bucket', 'troupe_calc_updates_processed_total', 'troupe_active_local_policies', 'troupe_active_local_selectors',
      'troupe_label_index_selector_evals_total', 'troupe_resync_state', 'troupe_process_resident_memory_bytes']) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/^troupe_calc_updates_processed_total\{type="WorkloadEndpoint"\} 4$/m);
    expect(text).toMatch(/^troupe_active_local_policies 1$/m);
    expect(text).toMatch(/^troupe_resync_state 2$/m);
  });

  it('/readyz turns 200 only after InSync; /healthz while the root supervisor runs', async () => {
    const { url, load } = await calcUnderInspection();
    expect((await get(`${url}/healthz`)).status).toBe(200);
    expect((await get(`${url}/readyz`)).status).toBe(503);
    await load();
    expect((await get(`${url}/readyz`)).status).toBe(200);
  });

  it('with a token, every path but /healthz needs it: missing and wrong are refused, right is served', async () => {
    const { url } = await calcUnderInspection({ token: 's3cret' });
    expect((await get(`${url}/actors`)).status).toBe(401);
    expect((await get(`${url}/metrics`, { authorization: 'Bearer wrong!' })).status).toBe(401);
    expect((await get(`${url}/actors`, { authorization: 'Bearer s3cret' })).status).toBe(200);
    expect((await get(`${url}/healthz`)).status).toBe(200);
  });

  it('refuses to bind a non-loopback address without a token, saying why', async () => {
    const sim = new Simulation({ seed: 1 });
    const refused = await InspectionServer.start({ system: sim.system, address: '0.0.0.0:0' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InspectionError);
    expect((refused as InspectionError).code).toBe('INSPECT_ERR_TOKEN_REQUIRED');
    expect((refused as Error).message).toContain('without a token');
  });
});
