/** The dataplane state of the whole cluster: every endpoint counted as local, computed fused. */
import { FusedCalcGraph } from '../fused.js';
import { ALL_HOSTS } from '../graph/dispatcher.js';
import type { InvalidRecord } from '../model/validate.js';
import { StateSink } from '../output/dataplane-connection.js';
import type { DataplaneState } from '../output/dataplane-state.js';

export function clusterView(records: readonly unknown[], onInvalid: (invalid: InvalidRecord) => void = () => undefined): DataplaneState {
  const sink = new StateSink();
  const graph = new FusedCalcGraph({ hostname: ALL_HOSTS, sink, onInvalid });
  graph.onRecords(records);
  graph.onStatus('InSync');
  return sink.state;
}
