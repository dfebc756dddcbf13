import { describe, it } from 'vitest';
import { CALC_PATHS } from '../../../../src/actors/calc/actors/stages.js';
import { Simulation } from '../../../../src/runtime/simulation.js';
import { actorGraph } from './actor-graph.js';
import { followsDatastoreStatus } from './source-status-scenario.js';

describe('the calc source follows the datastore status', () => {
  it('moves waitingForDatastore → resyncing → inSync, and the dataplane gets no endpoint before InSync', async () => {
    const sim = new Simulation({ seed: 3 });
    const graph = actorGraph(sim);
    await followsDatastoreStatus(graph, graph.sink, () => sim.system.stats(CALC_PATHS.source).state);
  });
});
