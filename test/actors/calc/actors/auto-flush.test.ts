import { describe, expect, it } from 'vitest';
import { CALC_PATHS } from '../../../../src/actors/calc/actors/stages.js';
import { ActorCalcGraph } from '../../../../src/actors/calc/actors/wiring.js';
import { StateSink } from '../../../../src/actors/calc/output/dataplane-connection.js';
import { Simulation } from '../../../../src/runtime/simulation.js';
import { LOCAL_HOST, wep } from '../states/resources.js';

const markersAt = (sim: Simulation, path: string): number => sim.eventsOf('actor.processed').filter((event) => event.path === path && event.messageType === 'marker').length;

describe('with autoFlush, the source flushes after each batch through a leaky bucket on the clock', () => {
  it('turns a storm of 50 batches into a burst of 10 flushes and one more 10 ms later, losing nothing', async () => {
    const sim = new Simulation({ seed: 5 });
    const sink = new StateSink();
    const graph = ActorCalcGraph.spawn(sim.system, { hostname: LOCAL_HOST, sink, autoFlush: true, batchSize: 1 });
    await graph.onStatus('InSync');
    await sim.runUntilIdle({ untilMs: 0 });
    const before = markersAt(sim, CALC_PATHS.dataplane);
    for (let pod = 0; pod < 50; pod += 1) await graph.onRecords([wep(LOCAL_HOST, 'ns', `pod-${pod}`, { ipv4: [`10.0.0.${pod + 1}/32`] })]);
    await sim.runUntilIdle({ untilMs: 5 });
    expect(markersAt(sim, CALC_PATHS.dataplane) - before).toBe(10);
    expect(Object.keys(sink.state.view().endpoints).length).toBeLessThan(50);
    await sim.advance(20);
    expect(markersAt(sim, CALC_PATHS.dataplane) - before).toBe(11);
    expect(Object.keys(sink.state.view().endpoints)).toHaveLength(50);
  });
});
