/**
 * Restart under simulated time, in one process: the agent (file datastore → durable calc actors →
 * a dataplane stream that outlives the process) is killed after every scheduling step of a small run
 * — its memory discarded, its buffered writes lost — and started again on what the store committed.
 * Whatever the moment, the stream applied from the start must obey Felix's invariants (sequence
 * numbers without gap or repeat, nothing referenced before it exists) and end at the same view as the
 * fused calculation of the final files.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ActorCalcGraph } from '../../src/actors/calc/actors/wiring.js';
import { FusedCalcGraph } from '../../src/actors/calc/fused.js';
import { StateSink } from '../../src/actors/calc/output/dataplane-connection.js';
import { DataplaneState } from '../../src/actors/calc/output/dataplane-state.js';
import type { DataplaneView } from '../../src/actors/calc/output/dataplane-state.js';
import { MemoryStreamSink } from '../../src/adapters/dataplane/memory-stream-sink.js';
import type { ModelRecord } from '../../src/adapters/datastore/convert/resource.js';
import { FileDatastore } from '../../src/adapters/datastore/file-datastore.js';
import { MemoryFileSystem } from '../../src/adapters/datastore/file-system.js';
import { SimulatedClock } from '../../src/runtime/clock.js';
import { MemoryBackend } from '../../src/runtime/persistence/memory-backend.js';
import { StateStore } from '../../src/runtime/persistence/state-store.js';
import type { Durability } from '../../src/runtime/persistence/state-store.js';
import { Simulation } from '../../src/runtime/simulation.js';
import { withReplayHint } from './harness.js';

const ROOT = '/cluster';
const HOSTNAME = 'node-1';
const EXAMPLE = new URL('../../examples/cluster/', import.meta.url).pathname;

const NEW_POD = `apiVersion: v1
kind: Pod
metadata: {name: late-1, namespace: shop, labels: {app: frontend, tier: web}}
spec: {nodeName: node-1, containers: [{name: main, image: x}]}
status: {phase: Running, podIP: 10.244.1.99, podIPs: [{ip: 10.244.1.99}]}
`;

/** Changes to the files while the agent runs (or is down), at these simulated times. */
const EDITS: readonly { at: number; apply: (fs: MemoryFileSystem) => void }[] = [
  { at: 1_000, apply: (fs) => fs.write(`${ROOT}/pods.yaml`, fs.files.get(`${ROOT}/pods.yaml`)!.replace('{app: frontend, tier: web}', '{app: frontend, tier: edge}')) },
  { at: 2_000, apply: (fs) => fs.delete(`${ROOT}/network-policies.yaml`) },
  { at: 3_000, apply: (fs) => fs.write(`${ROOT}/late.yaml`, NEW_POD) },
];

function exampleFiles(): MemoryFileSystem {
  const fs = new MemoryFileSystem();
  for (const name of readdirSync(EXAMPLE)) fs.files.set(join(ROOT, name), readFileSync(join(EXAMPLE, name), 'utf8'));
  return fs;
}

interface World { readonly backend: MemoryBackend; readonly stream: MemoryStreamSink; readonly fs: MemoryFileSystem; readonly applied: Set<number> }

/** One life of the agent, from `startMs`: boots on the store, resumes the datastore from it. */
function boot(world: World, seed: number, durability: Durability, startMs: number): { sim: Simulation; store: StateStore; datastore: FileDatastore } {
  const sim = new Simulation({ seed, startMs });
  const store = new StateStore(world.backend, { durability, clock: sim.clock, batchMs: 50 });
  const graph = ActorCalcGraph.spawn(sim.system, { hostname: HOSTNAME, sink: world.stream, autoFlush: true, store, mailboxCapacity: 4, batchSize: 8 });
  const datastore = new FileDatastore(ROOT, { fs: world.fs, clock: sim.clock, debounceMs: 20 });
  let feeding: Promise<void> = Promise.resolve();
  const feed = (step: () => Promise<void>) => { feeding = feeding.then(step); };
  for (const [index, edit] of EDITS.entries()) {
    if (world.applied.has(index)) continue;
    const due = () => { world.applied.add(index); edit.apply(world.fs); };
    if (edit.at <= startMs) due();
    else sim.clock.setTimeout(due, edit.at - startMs);
  }
  void graph.resumePoint().then((point) => datastore.start({
    onUpdates: (updates) => feed(() => graph.onRecords(updates)),
    onStatus: (status) => feed(() => graph.onStatus(status)),
    onPositions: (positions) => feed(() => graph.onPositions(positions)),
    onProblem: () => undefined,
  }, { positions: point.positions, records: async () => await point.records() as ModelRecord[] }));
  return { sim, store, datastore };
}

async function fusedView(fs: MemoryFileSystem): Promise<DataplaneView> {
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
function withoutSetMeta(view: DataplaneView): DataplaneView {
  const ipSets = Object.fromEntries(Object.entries(view.ipSets).map(([id, set]) => [id, { type: set.type, members: set.members }]));
  return { ...view, ipSets };
}

/** Kills the agent after `killAfter` steps, restarts it, and runs the second life to the end. */
async function killAndRestart(seed: number, durability: Durability, killAfter: number): Promise<{ finishedEarly: boolean; stream: MemoryStreamSink; fs: MemoryFileSystem }> {
  const world: World = { backend: new MemoryBackend(), stream: new MemoryStreamSink(), fs: exampleFiles(), applied: new Set() };
  const first = boot(world, seed, durability, 0);
  const finishedEarly = await first.sim.runSteps(killAfter) && first.sim.clock.now() >= 3_000;
  first.datastore.stop();
  await first.store.abandon();
  const second = boot(world, seed + 1, durability, Math.max(first.sim.clock.now(), 0));
  try {
    await second.sim.runUntilIdle();
  } catch (error) {
    throw withReplayHint(error, `kill after ${killAfter} steps`, second.sim);
  }
  expect(second.sim.failure).toBeUndefined();
  return { finishedEarly, stream: world.stream, fs: world.fs };
}

function applyStream(stream: MemoryStreamSink): DataplaneView {
  const replayed = new DataplaneState();
  for (const message of stream.messages) replayed.apply(message); // checks sequence numbers and Felix's invariants
  return replayed.view();
}

describe('a durable agent killed at any step and restarted', () => {
  // `off` keeps nothing but the stream itself: the mirror is rebuilt from it and the datastore resent whole.
  for (const durability of ['sync', 'batch', 'off'] as const) {
    it(`ends at the fused view with an unbroken stream, whatever the step (${durability})`, async () => {
      const expected = await fusedView((() => { const fs = exampleFiles(); for (const edit of EDITS) edit.apply(fs); return fs; })());
      let kills = 0;
      for (let killAfter = 0; ; killAfter += 1) {
        const { finishedEarly, stream } = await killAndRestart(7, durability, killAfter);
        const view = withoutSetMeta(applyStream(stream));
        expect(view, `killed after ${killAfter} steps`).toEqual(expected);
        kills += 1;
        if (finishedEarly) break;
      }
      expect(kills).toBeGreaterThan(150);
    });
  }
});

describe('a durable actor that crashes inside a running agent', () => {
  for (const path of ['/calc/source', '/calc/dataplane', '/calc/member-calc'] as const) {
    it(`${path} restarts from its saved state and the stream stays unbroken`, async () => {
      const expected = await fusedView((() => { const fs = exampleFiles(); for (const edit of EDITS) edit.apply(fs); return fs; })());
      let crashes = 0;
      for (let crashAfter = 5; crashAfter < 200; crashAfter += 15) {
        const world: World = { backend: new MemoryBackend(), stream: new MemoryStreamSink(), fs: exampleFiles(), applied: new Set() };
        const { sim } = boot(world, 11, 'batch', 0);
        await sim.runSteps(crashAfter);
        sim.system.faults.crashNext(path);
        await sim.runUntilIdle();
        expect(sim.failure).toBeUndefined();
        crashes += sim.eventsOf('actor.crashed').length;
        expect(withoutSetMeta(applyStream(world.stream)), `crashed after ${crashAfter} steps`).toEqual(expected);
      }
      expect(crashes).toBeGreaterThanOrEqual(5);
    });
  }
});
