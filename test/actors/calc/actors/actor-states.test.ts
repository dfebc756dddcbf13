import { describe, expect, it } from 'vitest';
import { CALC_PATHS } from '../../../../src/actors/calc/actors/stages.js';
import { memberShardPath } from '../../../../src/actors/calc/actors/member-shards.js';
import { FusedCalcGraph } from '../../../../src/actors/calc/fused.js';
import { StateSink } from '../../../../src/actors/calc/output/dataplane-connection.js';
import { Simulation } from '../../../../src/runtime/simulation.js';
import { EXPANSIONS, driveStates } from '../states/driver.js';
import type { FlushStrategy, GraphUnderTest } from '../states/driver.js';
import { LOCAL_HOST } from '../states/resources.js';
import { ALL_STATES, STATE_LISTS } from '../states/states.js';
import { actorGraph, crashingOnceInSync } from './actor-graph.js';

const SEEDS = [1, 2, 3];
const STRATEGIES: readonly FlushStrategy[] = ['after each KV', 'after each state', 'only at the end'];

function crashes(sim: Simulation): string[] {
  return sim.eventsOf('actor.crashed').map((event) => `${event.path}: ${event.error.message}`);
}

describe('the actor calc graph reaches the same views as the fused one', () => {
  for (const [listName, states] of Object.entries(STATE_LISTS)) {
    for (const seed of SEEDS) {
      for (const strategy of STRATEGIES) {
        it(`${listName} (seed ${seed}, reversed KV order too, flushing ${strategy})`, async () => {
          for (const expand of [EXPANSIONS['identity']!, EXPANSIONS['reversed KV order']!]) {
            const sim = new Simulation({ seed, throughput: 3 });
            const graph = actorGraph(sim);
            const checkpoints = await driveStates(graph, expand(states), strategy);
            for (const checkpoint of checkpoints) expect(checkpoint.actual, `${checkpoint.state} [seed ${seed}]`).toEqual(checkpoint.expected);
            expect(crashes(sim)).toEqual([]);
            // The stream a driver received builds the same view the dataplane actor mirrors.
            expect(graph.sink.state.view()).toEqual(await graph.view());
          }
        });
      }
    }
  }

  it('sends the same message stream as the fused graph when batches are single records', async () => {
    const states = STATE_LISTS['policyLifecycle']!;
    const fusedSink = new StateSink();
    const fused = new FusedCalcGraph({ hostname: LOCAL_HOST, sink: fusedSink });
    const fusedUnderTest: GraphUnderTest = { onRecords: (r) => fused.onRecords(r), onStatus: (s) => fused.onStatus(s), flush: () => fused.flush(), view: () => fusedSink.state.view() };
    await driveStates(fusedUnderTest, states, 'after each state');
    const sim = new Simulation({ seed: 7 });
    const actors = actorGraph(sim);
    await driveStates(actors, states, 'after each state');
    expect(actors.sink.state.messages).toBe(fusedSink.state.messages);
    expect(actors.sink.state.view()).toEqual(fusedSink.state.view());
  });
});

describe('with the member calculator split into shards, the actor calc graph reaches the same views as the fused one', () => {
  for (const [listName, states] of Object.entries(STATE_LISTS)) {
    for (const memberShards of [2, 3]) {
      it(`${listName} (${memberShards} shards, reversed KV order too, every flush strategy)`, async () => {
        for (const strategy of STRATEGIES) {
          for (const expand of [EXPANSIONS['identity']!, EXPANSIONS['reversed KV order']!]) {
            const sim = new Simulation({ seed: memberShards, throughput: 3 });
            const graph = actorGraph(sim, [], { memberShards });
            const checkpoints = await driveStates(graph, expand(states), strategy);
            for (const checkpoint of checkpoints) expect(checkpoint.actual, `${checkpoint.state} [${strategy}]`).toEqual(checkpoint.expected);
            expect(crashes(sim)).toEqual([]);
            expect(graph.sink.state.view()).toEqual(await graph.view());
          }
        }
      });
    }
  }

  for (const path of [memberShardPath(1), memberShardPath(2), CALC_PATHS.members]) {
    it(`recovers when ${path} crashes mid-run (2 shards)`, async () => {
      const states = ALL_STATES.filter((_state, index) => index % 3 === 0);
      const sim = new Simulation({ seed: 5, throughput: 2 });
      const graph = actorGraph(sim, [], { memberShards: 2 });
      const crashing = crashingOnceInSync(graph, graph.sink, () => sim.system.faults.crashNext(path));
      const checkpoints = await driveStates(crashing.graph, states, 'after each KV');
      expect(crashing.crashed()).toBe(true);
      expect(crashes(sim).map((line) => line.split(':')[0])).toEqual([path]);
      for (const checkpoint of checkpoints) expect(checkpoint.actual, checkpoint.state).toEqual(checkpoint.expected);
      expect(graph.sink.state.inSyncCount).toBe(1);
      expect(graph.graph.epochs.current).toBe(1);
    });
  }
});

describe('a calculator that crashes mid-run is restarted and the graph recovers from upstream state', () => {
  const calculators = [CALC_PATHS.arc, CALC_PATHS.scanner, CALC_PATHS.members, CALC_PATHS.resolver, CALC_PATHS.config, CALC_PATHS.sequencer];
  for (const path of calculators) {
    for (const seed of SEEDS) {
      it(`${path} crashes on its next message (seed ${seed})`, async () => {
        const states = ALL_STATES.filter((_state, index) => index % 3 === 0);
        const sim = new Simulation({ seed, throughput: 2 });
        const graph = actorGraph(sim);
        const crashing = crashingOnceInSync(graph, graph.sink, () => sim.system.faults.crashNext(path));
        const checkpoints = await driveStates(crashing.graph, states, 'after each KV');
        expect(crashing.crashed()).toBe(true);
        expect(crashes(sim).map((line) => line.split(':')[0])).toEqual([path]);
        expect(sim.eventsOf('actor.restarted').map((event) => event.path)).toEqual([path]);
        for (const checkpoint of checkpoints) expect(checkpoint.actual, checkpoint.state).toEqual(checkpoint.expected);
        // Every message the driver received passed the mock dataplane's invariants, with no gap or repeat.
        expect(graph.sink.state.inSyncCount).toBe(1);
        expect(graph.graph.epochs.current).toBe(1);
      });
    }
  }
});
