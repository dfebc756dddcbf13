/**
 * The calc scenarios of source-status, barriers and auto-flush tests, with the calculators on two
 * worker threads (the member calculator in two shards). Real threads run on real scheduling, so where
 * the simulated tests pin an interleaving with a seed, these let the threads race and assert what
 * must hold whatever the race; the flush throttle keeps its simulated clock (it lives in the source,
 * on main).
 */
import { describe, expect, it } from 'vitest';
import { CALC_PATHS } from '../../../../src/actors/calc/actors/stages.js';
import { FusedCalcGraph } from '../../../../src/actors/calc/fused.js';
import { StateSink } from '../../../../src/actors/calc/output/dataplane-connection.js';
import type { DataplaneView } from '../../../../src/actors/calc/output/dataplane-state.js';
import type { IpSetMeta, ToDataplane } from '../../../../src/protocol/dataplane/messages.js';
import { SimulatedClock } from '../../../../src/runtime/clock.js';
import { LOCAL_HOST, pod1, wep } from '../states/resources.js';
import { followsDatastoreStatus } from './source-status-scenario.js';
import { STATE_LISTS } from '../states/states.js';
import { threadedGraph } from './threaded-graph.js';

class InSyncSnapshotSink extends StateSink {
  atInSync: DataplaneView | undefined;
  override write(message: ToDataplane, ipSetMeta?: IpSetMeta): void {
    super.write(message, ipSetMeta);
    if ('inSync' in message) this.atInSync = this.state.view();
  }
}

describe('with the calculators on two worker threads', () => {
  it('the source follows the datastore status, and the dataplane gets no endpoint before InSync', async () => {
    const graph = threadedGraph();
    try {
      await followsDatastoreStatus(graph, graph.sink, () => graph.system.stats(CALC_PATHS.source).state);
    } finally {
      await graph.close();
    }
  });

  it('InSync carries exactly the updates sent before it, though later ones race it through both workers', async () => {
    const before = STATE_LISTS['policyLifecycle']![0]!.kvs;
    const after = [{ ...pod1, value: null }, wep('h2', 'ns2', 'pod3', { labels: { app: 'web', env: 'prod' }, ipv4: ['10.0.2.99/32'] })];
    const fusedSink = new StateSink();
    const fused = new FusedCalcGraph({ hostname: LOCAL_HOST, sink: fusedSink });
    fused.onRecords(before);
    fused.onStatus('InSync');
    for (let run = 0; run < 4; run += 1) {
      const sink = new InSyncSnapshotSink();
      const graph = threadedGraph({ sink, batchSize: 1 });
      try {
        await graph.onRecords(before);
        await graph.onStatus('InSync');
        await graph.onRecords(after);
        await graph.flush();
        expect(sink.atInSync, `run ${run}`).toEqual(fusedSink.state.view());
        expect(sink.state.view().ipSets).not.toEqual(sink.atInSync!.ipSets);
      } finally {
        await graph.close();
      }
    }
  });

  it('with autoFlush, a storm of 50 batches makes a burst of 10 flushes and one more 10 ms later, losing nothing', async () => {
    const clock = new SimulatedClock();
    const graph = threadedGraph({ clock, autoFlush: true, batchSize: 1 });
    let markerCount = 0;
    graph.system.events.subscribe((event) => {
      if (event.type === 'actor.processed' && event.path === CALC_PATHS.dataplane && event.messageType === 'marker') markerCount += 1;
    }, ['actor.processed']);
    const markers = () => markerCount;
    try {
      await graph.onStatus('InSync');
      await graph.flush();
      const before = markers();
      for (let pod = 0; pod < 50; pod += 1) await graph.onRecords([wep(LOCAL_HOST, 'ns', `pod-${pod}`, { ipv4: [`10.0.0.${pod + 1}/32`] })]);
      await graph.flush(); // behind every batch: all are through, the throttled flush is still due
      expect(markers() - before).toBe(10 + 1);
      clock.advance(20);
      await graph.flush();
      expect(markers() - before).toBe(10 + 1 + 1 + 1);
      expect(Object.keys(graph.sink.state.view().endpoints)).toHaveLength(50);
    } finally {
      await graph.close();
    }
  });
});
