/**
 * The actor wiring with its calculators spread over two worker threads (calc-placement.ts), the member
 * calculator in two shards (one per worker) unless `memberShards` says otherwise, behind
 * the state driver's surface. Real threads, so real time: every call is awaited as it is.
 */
import { CALC_SPREAD_PLACEMENT } from '../../../../src/actors/calc/actors/calc-placement.js';
import { ActorCalcGraph } from '../../../../src/actors/calc/actors/wiring.js';
import { StateSink } from '../../../../src/actors/calc/output/dataplane-connection.js';
import type { Clock } from '../../../../src/runtime/clock.js';
import { ActorSystem } from '../../../../src/runtime/system.js';
import type { GraphUnderTest } from '../states/driver.js';
import { LOCAL_HOST } from '../states/resources.js';

export interface ThreadedGraphUnderTest extends GraphUnderTest {
  readonly system: ActorSystem;
  readonly graph: ActorCalcGraph;
  readonly sink: StateSink;
  close(): Promise<void>;
}

/**
 * `clock`: a simulated clock for the actors on main (the source's flush throttle); the scheduler stays
 * real, so the workers run. `sink`: where the dataplane messages go.
 */
export function threadedGraph(options: { batchSize?: number; memberShards?: number; autoFlush?: boolean; clock?: Clock; sink?: StateSink } = {}): ThreadedGraphUnderTest {
  const { clock, sink = new StateSink(), ...graphOptions } = options;
  const system = new ActorSystem({ seed: 1, placement: CALC_SPREAD_PLACEMENT, ...(clock === undefined ? {} : { clock }) });
  const graph = ActorCalcGraph.spawn(system, { hostname: LOCAL_HOST, sink, timeoutMs: 30_000, memberShards: 2, ...graphOptions });
  return {
    system,
    graph,
    sink,
    onRecords: (records) => graph.onRecords(records),
    onStatus: (status) => graph.onStatus(status),
    flush: () => graph.flush().then(() => undefined),
    view: () => graph.view(),
    close: () => system.shutdown(),
  };
}
