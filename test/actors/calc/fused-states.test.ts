import { describe, expect, it } from 'vitest';
import { FusedCalcGraph } from '../../../src/actors/calc/fused.js';
import type { InvalidRecord } from '../../../src/actors/calc/model/validate.js';
import { StateSink } from '../../../src/actors/calc/output/dataplane-connection.js';
import { EXPANSIONS, FLUSH_STRATEGIES, driveStates } from './states/driver.js';
import type { GraphUnderTest } from './states/driver.js';
import { LOCAL_HOST } from './states/resources.js';
import { ALL_STATES, STATE_LISTS } from './states/states.js';

function fusedGraph(invalid: InvalidRecord[] = []): GraphUnderTest {
  const sink = new StateSink(); // checks Felix's stream invariants on every message
  const graph = new FusedCalcGraph({ hostname: LOCAL_HOST, sink, onInvalid: (record) => invalid.push(record) });
  return {
    onRecords: (records) => graph.onRecords(records),
    onStatus: (status) => graph.onStatus(status),
    flush: () => graph.flush(),
    view: () => sink.state.view(),
  };
}

describe('the fused calc graph on Felix-style states', () => {
  it('has at least 25 states of its own', () => {
    expect(ALL_STATES.length).toBeGreaterThanOrEqual(25);
  });

  for (const [listName, states] of Object.entries(STATE_LISTS)) {
    describe(listName, () => {
      for (const [expansionName, expand] of Object.entries(EXPANSIONS)) {
        for (const strategy of FLUSH_STRATEGIES) {
          it(`reaches each state's view (${expansionName}, flushing ${strategy})`, async () => {
            const checkpoints = await driveStates(fusedGraph(), expand(states), strategy);
            for (const checkpoint of checkpoints) expect(checkpoint.actual, checkpoint.state).toEqual(checkpoint.expected);
          });
        }
      }
      it('reaches the same views when the datastore comes in sync only after the first state', async () => {
        const checkpoints = await driveStates(fusedGraph(), states, 'after each KV', { inSyncAfterFirst: true });
        for (const checkpoint of checkpoints) expect(checkpoint.actual, checkpoint.state).toEqual(checkpoint.expected);
      });
    });
  }

  it('reports invalid records with their type, key and reason', async () => {
    const invalid: InvalidRecord[] = [];
    const bad = STATE_LISTS['misc']!.find((state) => state.name.startsWith('invalid records'))!;
    await driveStates(fusedGraph(invalid), [bad], 'after each state');
    expect(invalid.map((record) => [record.type, JSON.stringify(record.key)])).toEqual([
      ['Policy', JSON.stringify({ kind: 'GlobalNetworkPolicy', namespace: '', name: 'bad' })],
      ['WorkloadEndpoint', JSON.stringify({ hostname: 'h1', orchestratorId: 'k8s', workloadId: 'ns1/bad-ip', endpointId: 'eth0' })],
    ]);
    expect(invalid[0]!.reason).toMatch(/selector/);
    expect(invalid[1]!.reason).toMatch(/10\.0\.1\.300/);
  });
});
