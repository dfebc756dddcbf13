/**
 * The durable agent as `bench durable` boots it for one life: the system, the LMDB state in
 * `dir/state`, the dataplane frames appended to `dir/dataplane.bin`, the calc graph restored from the
 * state. `start` is when the life began; `appended()` what the life wrote to the frame file.
 */
import { join } from 'node:path';
import { ActorCalcGraph } from '../src/actors/calc/actors/wiring.js';
import type { ActorCalcOptions } from '../src/actors/calc/actors/wiring.js';
import { FileFrameSink } from '../src/adapters/dataplane/file-frame-sink.js';
import { openStateStore } from '../src/runtime/persistence/lmdb-store.js';
import type { Durability } from '../src/runtime/persistence/state-store.js';
import { ActorSystem } from '../src/runtime/system.js';

export function bootDurableAgent(dir: string, durability: Durability, graphOptions: Pick<ActorCalcOptions, 'hostname' | 'autoFlush'>) {
  const start = performance.now();
  const system = new ActorSystem({ seed: 1 });
  const store = openStateStore({ dir: join(dir, 'state'), durability, clock: system.clock, log: (line) => console.error(line) });
  const sink = new FileFrameSink(join(dir, 'dataplane.bin'));
  const bytesBefore = sink.position().bytes;
  const graph = ActorCalcGraph.spawn(system, { ...graphOptions, sink, store });
  return { start, system, store, sink, graph, appended: () => sink.position().bytes - bytesBefore };
}
