import { describe, expect, it } from 'vitest';
import { ActorCalcGraph } from '../../../../src/actors/calc/actors/wiring.js';
import { FusedCalcGraph } from '../../../../src/actors/calc/fused.js';
import { StateSink } from '../../../../src/actors/calc/output/dataplane-connection.js';
import type { DataplaneView } from '../../../../src/actors/calc/output/dataplane-state.js';
import type { IpSetMeta, ToDataplane } from '../../../../src/protocol/dataplane/messages.js';
import { Simulation } from '../../../../src/runtime/simulation.js';
import { LOCAL_HOST, pod1, wep } from '../states/resources.js';
import { STATE_LISTS } from '../states/states.js';
import { settle } from './actor-graph.js';

/** Remembers the view at the moment InSync went out. */
class InSyncSnapshotSink extends StateSink {
  atInSync: DataplaneView | undefined;
  override write(message: ToDataplane, ipSetMeta?: IpSetMeta): void {
    super.write(message, ipSetMeta);
    if ('inSync' in message) this.atInSync = this.state.view();
  }
}

const before = STATE_LISTS['policyLifecycle']![0]!.kvs;
const after = [
  { ...pod1, value: null },
  wep('h2', 'ns2', 'pod3', { labels: { app: 'web', env: 'prod' }, ipv4: ['10.0.2.99/32'] }),
];

function fusedViewAtInSync(): DataplaneView {
  const sink = new StateSink();
  const fused = new FusedCalcGraph({ hostname: LOCAL_HOST, sink });
  fused.onRecords(before);
  fused.onStatus('InSync');
  return sink.state.view();
}

describe('markers cross fan-in points as aligned barriers', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`announces InSync with exactly the updates sent before it, though later ones are already queued (seed ${seed})`, async () => {
      const sim = new Simulation({ seed, throughput: 1 });
      const sink = new InSyncSnapshotSink();
      const graph = ActorCalcGraph.spawn(sim.system, { hostname: LOCAL_HOST, sink, batchSize: 1 });
      // Everything is queued before any actor runs (the mailboxes have room, so no send waits): the
      // later updates race the InSync marker through the graph.
      await graph.onRecords(before);
      await graph.onStatus('InSync');
      await graph.onRecords(after);
      await sim.runUntilIdle();
      expect(sink.atInSync).toEqual(fusedViewAtInSync());
      await settle(sim, graph.flush());
      expect(sink.state.view().ipSets).not.toEqual(sink.atInSync!.ipSets);
    });
  }
});
