import { describe, expect, it } from 'vitest';
import { CALC_PATHS } from '../../../../src/actors/calc/actors/stages.js';
import { Simulation } from '../../../../src/runtime/simulation.js';
import { gnp, ns1Rules, pod1 } from '../states/resources.js';
import { actorGraph } from './actor-graph.js';

describe('the calc source follows the datastore status', () => {
  it('moves waitingForDatastore → resyncing → inSync, and the dataplane gets no endpoint before InSync', async () => {
    const sim = new Simulation({ seed: 3 });
    const graph = actorGraph(sim);
    const state = () => sim.system.stats(CALC_PATHS.source).state;
    expect(state()).toBe('waitingForDatastore');
    await graph.onStatus('ResyncInProgress');
    expect(state()).toBe('resyncing');
    await graph.onRecords([ns1Rules, pod1, gnp('all')]);
    await graph.flush();
    // Sets may flow before InSync (as in Felix); endpoints, and InSync itself, may not.
    expect(graph.sink.state.endpoints.size).toBe(0);
    expect(graph.sink.state.inSyncCount).toBe(0);
    await graph.onStatus('InSync');
    expect(state()).toBe('inSync');
    expect([...graph.sink.state.endpoints.keys()]).toEqual(['k8s/ns1/pod1/eth0']);
    expect(graph.sink.state.inSyncCount).toBe(1);
  });
});
