/**
 * The example cluster as files in memory, the edits the restart scenarios make to them, and how a
 * scenario's outcome is judged: the stream applied from message 0 against the fused view of the files.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FusedCalcGraph } from '../../src/actors/calc/fused.js';
import { StateSink } from '../../src/actors/calc/output/dataplane-connection.js';
import { DataplaneState } from '../../src/actors/calc/output/dataplane-state.js';
import type { DataplaneView } from '../../src/actors/calc/output/dataplane-state.js';
import type { MemoryStreamSink } from '../../src/adapters/dataplane/memory-stream-sink.js';
import type { ModelRecord } from '../../src/adapters/datastore/convert/resource.js';
import { FileDatastore } from '../../src/adapters/datastore/file-datastore.js';
import { MemoryFileSystem } from '../../src/adapters/datastore/file-system.js';
import { SimulatedClock } from '../../src/runtime/clock.js';

export const ROOT = '/cluster';
export const HOSTNAME = 'node-1';
const EXAMPLE = new URL('../../examples/cluster/', import.meta.url).pathname;

const NEW_POD = `apiVersion: v1
kind: Pod
metadata: {name: late-1, namespace: shop, labels: {app: frontend, tier: web}}
spec: {nodeName: node-1, containers: [{name: main, image: x}]}
status: {phase: Running, podIP: 10.244.1.99, podIPs: [{ip: 10.244.1.99}]}
`;

/** Changes to the files while the agent runs (or is down), at these simulated times. */
export const EDITS: readonly { at: number; apply: (fs: MemoryFileSystem) => void }[] = [
  { at: 1_000, apply: (fs) => fs.write(`${ROOT}/pods.yaml`, fs.files.get(`${ROOT}/pods.yaml`)!.replace('{app: frontend, tier: web}', '{app: frontend, tier: edge}')) },
  { at: 2_000, apply: (fs) => fs.delete(`${ROOT}/network-policies.yaml`) },
  { at: 3_000, apply: (fs) => fs.write(`${ROOT}/late.yaml`, NEW_POD) },
];

export function exampleFiles(): MemoryFileSystem {
  const fs = new MemoryFileSystem();
  for (const name of readdirSync(EXAMPLE)) fs.files.set(join(ROOT, name), readFileSync(join(EXAMPLE, name), 'utf8'));
  return fs;
}

export async function fusedView(fs: MemoryFileSystem): Promise<DataplaneView> {
  const records: ModelRecord[] = [];
  const datastore = new FileDatastore(ROOT, { fs, clock: new SimulatedClock() });
  await datastore.start({ onUpdates: (updates) => records.push(...updates), onStatus: () => undefined, onProblem: () => undefined });
  datastore.stop();
  const sink = new StateSink();
  const fused = new FusedCalcGraph({ hostname: HOSTNAME, sink });
  fused.onRecords(records);
  fused.onStatus('InSync');
  return withoutSetMeta(sink.state.view());
}

/** The stream carries no IP set metadata (selectors are for people), so views are compared without it. */
export function withoutSetMeta(view: DataplaneView): DataplaneView {
  const ipSets = Object.fromEntries(Object.entries(view.ipSets).map(([id, set]) => [id, { type: set.type, members: set.members }]));
  return { ...view, ipSets };
}

export function applyStream(stream: MemoryStreamSink): DataplaneView {
  const replayed = new DataplaneState();
  for (const message of stream.messages) replayed.apply(message); // checks sequence numbers and Felix's invariants
  return replayed.view();
}


/** The fused view of the example files after every edit. */
export async function expectedAfterEdits(): Promise<DataplaneView> {
  const fs = exampleFiles();
  for (const edit of EDITS) edit.apply(fs);
  return fusedView(fs);
}
