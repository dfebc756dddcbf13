/**
 * The durable agent with its calculators on two worker threads (the member calculator in two shards):
 * stopped dead after it is in sync, the files edited while it is down, started again on what its store
 * committed. The calculators start empty on fresh workers and are fed from the durable source on
 * main; the stream applied from message 0 must stay unbroken and end at the fused view of the final
 * files. Real threads, so the system's clock is real (the source's warm-up steps are zero-delay
 * timers); the test itself waits only on the work it asked for, and the batch store is flushed
 * explicitly where the group commit would have run.
 */
import { describe, expect, it } from 'vitest';
import { CALC_SPREAD_PLACEMENT } from '../../src/actors/calc/actors/calc-placement.js';
import { ActorCalcGraph } from '../../src/actors/calc/actors/wiring.js';
import { MemoryStreamSink } from '../../src/adapters/dataplane/memory-stream-sink.js';
import type { ModelRecord } from '../../src/adapters/datastore/convert/resource.js';
import { FileDatastore } from '../../src/adapters/datastore/file-datastore.js';
import { MemoryBackend } from '../../src/runtime/persistence/memory-backend.js';
import { StateStore } from '../../src/runtime/persistence/state-store.js';
import type { Durability } from '../../src/runtime/persistence/state-store.js';
import { ActorSystem } from '../../src/runtime/system.js';
import { EDITS, HOSTNAME, ROOT, applyStream, exampleFiles, expectedAfterEdits, withoutSetMeta } from './cluster-files.js';

/** One life: boots on the store, resumes the datastore from it, and returns once in sync and flushed. */
async function life(backend: MemoryBackend, stream: MemoryStreamSink, fs: ReturnType<typeof exampleFiles>, durability: Durability) {
  const system = new ActorSystem({ seed: 1, placement: CALC_SPREAD_PLACEMENT });
  const clock = system.clock;
  const store = new StateStore(backend, { durability, clock, batchMs: 60_000 });
  const graph = ActorCalcGraph.spawn(system, { hostname: HOSTNAME, sink: stream, store, memberShards: 2, mailboxCapacity: 4, batchSize: 8, timeoutMs: 60_000 });
  const datastore = new FileDatastore(ROOT, { fs, clock, debounceMs: 20 });
  let feeding: Promise<void> = Promise.resolve();
  const feed = (step: () => Promise<void>) => { feeding = feeding.then(step); };
  const point = await graph.resumePoint();
  await datastore.start({
    onUpdates: (updates) => feed(() => graph.onRecords(updates)),
    onStatus: (status) => feed(() => graph.onStatus(status)),
    onPositions: (positions) => feed(() => graph.onPositions(positions)),
    onProblem: () => undefined,
  }, { positions: point.positions, records: async () => await point.records() as ModelRecord[] });
  await datastore.settled();
  await feeding;
  await graph.flush();
  await store.flush(); // the group commit, due in a minute, made now
  return {
    system,
    /** Stops dead: no more reads, writes not yet committed are lost, the workers go. */
    kill: async () => { datastore.stop(); await store.abandon(); await system.shutdown(); },
  };
}

describe('a durable agent with its calculators on worker threads, stopped dead and started again', () => {
  for (const durability of ['sync', 'batch'] as const) {
    it(`ends at the fused view with an unbroken stream, the files edited while it was down (${durability})`, async () => {
      const backend = new MemoryBackend();
      const stream = new MemoryStreamSink();
      const fs = exampleFiles();
      const first = await life(backend, stream, fs, durability);
      expect(first.system.threadOf('/calc/member-shard-2')).toBe('worker:2');
      const sentBefore = stream.messages.length;
      await first.kill();
      for (const edit of EDITS) edit.apply(fs);
      const second = await life(backend, stream, fs, durability);
      try {
        expect(withoutSetMeta(applyStream(stream))).toEqual(await expectedAfterEdits());
        // The second life sent the edits' effect, not the whole cluster again.
        expect(stream.messages.length - sentBefore).toBeLessThan(sentBefore);
      } finally {
        await second.kill();
      }
    });
  }
});
