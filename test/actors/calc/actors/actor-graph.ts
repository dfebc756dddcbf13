/**
 * The actor wiring under a simulation, behind the state driver's small surface: every call is
 * driven to completion by running the simulated system until the call has settled.
 */
import { ActorCalcGraph } from '../../../../src/actors/calc/actors/wiring.js';
import type { InvalidRecord } from '../../../../src/actors/calc/model/validate.js';
import { StateSink } from '../../../../src/actors/calc/output/dataplane-connection.js';
import type { Simulation } from '../../../../src/runtime/simulation.js';
import type { GraphUnderTest } from '../states/driver.js';
import { LOCAL_HOST } from '../states/resources.js';

export async function settle<T>(sim: Simulation, promise: Promise<T>): Promise<T> {
  let settled = false;
  const watched = promise.finally(() => { settled = true; });
  for (let round = 0; !settled; round += 1) {
    if (round > 1_000) throw new Error('the actor graph did not settle');
    await sim.runUntilIdle();
  }
  return watched;
}

export interface ActorGraphUnderTest extends GraphUnderTest {
  readonly graph: ActorCalcGraph;
  /** The stream as a driver would have received it, checked message by message. */
  readonly sink: StateSink;
}

export function actorGraph(sim: Simulation, invalid: InvalidRecord[] = [], options: { batchSize?: number; mailboxCapacity?: number; memberShards?: number } = {}): ActorGraphUnderTest {
  const sink = new StateSink();
  const graph = ActorCalcGraph.spawn(sim.system, { hostname: LOCAL_HOST, sink, onInvalid: (record) => invalid.push(record), ...options });
  return {
    graph,
    sink,
    onRecords: (records) => settle(sim, graph.onRecords(records)),
    onStatus: (status) => settle(sim, graph.onStatus(status)),
    flush: () => settle(sim, graph.flush()).then(() => undefined),
    view: () => settle(sim, graph.view()),
  };
}

/**
 * `graph`, with a fault injected once: on the first records after the dataplane is in sync and has a
 * policy (so the crash lands mid-run, with state to recover).
 */
export function crashingOnceInSync(graph: GraphUnderTest, sink: StateSink, crash: () => void): { graph: GraphUnderTest; crashed: () => boolean } {
  let crashed = false;
  return {
    crashed: () => crashed,
    graph: {
      ...graph,
      onRecords: async (records) => {
        if (!crashed && sink.state.inSyncCount === 1 && sink.state.policies.size > 0) {
          crashed = true;
          crash();
        }
        await graph.onRecords(records);
      },
    },
  };
}
