/**
 * The source-status scenario, on any wiring of the actor graph (one thread under simulation, or
 * calculators on workers): waitingForDatastore → resyncing → inSync, and the dataplane gets no
 * endpoint before InSync. Each step ends with a flush, so it holds whatever the threads do.
 */
import { expect } from 'vitest';
import type { StateSink } from '../../../../src/actors/calc/output/dataplane-connection.js';
import type { GraphUnderTest } from '../states/driver.js';
import { gnp, ns1Rules, pod1 } from '../states/resources.js';

export async function followsDatastoreStatus(graph: GraphUnderTest, sink: StateSink, sourceState: () => unknown): Promise<void> {
  expect(sourceState()).toBe('waitingForDatastore');
  await graph.onStatus('ResyncInProgress');
  await graph.flush();
  expect(sourceState()).toBe('resyncing');
  await graph.onRecords([ns1Rules, pod1, gnp('all')]);
  await graph.flush();
  // Sets may flow before InSync (as in Felix); endpoints, and InSync itself, may not.
  expect(sink.state.endpoints.size).toBe(0);
  expect(sink.state.inSyncCount).toBe(0);
  await graph.onStatus('InSync');
  await graph.flush();
  expect(sourceState()).toBe('inSync');
  expect([...sink.state.endpoints.keys()]).toEqual(['k8s/ns1/pod1/eth0']);
  expect(sink.state.inSyncCount).toBe(1);
}
