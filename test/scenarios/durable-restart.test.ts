/**
 * Restart under simulated time, in one process: the agent (file datastore → durable calc actors →
 * a dataplane stream that outlives the process) is killed after every scheduling step of a small run
 * — its memory discarded, its buffered writes lost — and started again on what the store committed.
 * Whatever the moment, the stream applied from the start must obey Felix's invariants (sequence
 * numbers without gap or repeat, nothing referenced before it exists) and end at the same view as the
 * fused calculation of the final files.
 */
import { describe, expect, it } from 'vitest';
import { ActorCalcGraph } from '../../src/actors/calc/actors/wiring.js';
import { MemoryStreamSink } from '../../src/adapters/dataplane/memory-stream-sink.js';
import type { ModelRecord } from '../../src/adapters/datastore/convert/resource.js';
import { FileDatastore } from '../../src/adapters/datastore/file-datastore.js';
import type { MemoryFileSystem } from '../../src/adapters/datastore/file-system.js';
import { MemoryBackend } from '../../src/runtime/persistence/memory-backend.js';
import { StateStore } from '../../src/runtime/persistence/state-store.js';
import type { Durability } from '../../src/runtime/persistence/state-store.js';
import { Simulation } from '../../src/runtime/simulation.js';
import { withReplayHint } from './harness.js';
import { EDITS, HOSTNAME, ROOT, applyStream, exampleFiles, expectedAfterEdits, withoutSetMeta } from './cluster-files.js';

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

describe('a durable agent killed at any step and restarted', () => {
  // `off` keeps nothing but the stream itself: the mirror is rebuilt from it and the datastore resent whole.
  for (const durability of ['sync', 'batch', 'off'] as const) {
    it(`ends at the fused view with an unbroken stream, whatever the step (${durability})`, async () => {
      const expected = await expectedAfterEdits();
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
      const expected = await expectedAfterEdits();
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
