/**
 * A worker thread's entry point: a WorkerNode on the data link main handed over, its control calls
 * exposed to main with comlink (thread-protocol.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { CellStatus } from '../cell-spec.js';
import type { LinkPort } from './link.js';
import type { ThreadName } from './placement.js';
import type { FaultCommand, RemoteSpawnSpec, WorkerApi, WorkerInit } from './thread-protocol.js';
import { WorkerNode } from './worker-node.js';

const init = workerData as WorkerInit;
const node = new WorkerNode(init, init.port as unknown as LinkPort);

const api: WorkerApi = {
  spawn: (spec: RemoteSpawnSpec) => node.inOrder(() => node.spawn(spec)),
  start: (path: string, input: unknown, restarts: number) => node.inOrder(() => node.start(path, input, restarts)),
  terminate: (path: string, status: CellStatus) => node.inOrder(() => node.terminate(path, status)),
  beginStop: (path: string) => node.inOrder(() => node.beginStop(path)),
  retire: (path: string) => node.inOrder(() => node.retire(path)),
  remove: (path: string) => node.inOrder(() => node.remove(path)),
  stats: () => node.inOrder(() => node.stats()),
  snapshot: (path: string) => node.inOrder(() => node.snapshot(path)),
  fault: (path: string, fault: FaultCommand) => node.inOrder(() => node.fault(path, fault)),
  connect: (thread: ThreadName, port: MessagePort) => node.inOrder(() => node.router.connect(thread, port as unknown as LinkPort)),
  disconnect: (thread: ThreadName) => node.inOrder(() => node.router.disconnect(thread)),
  die: () => { process.exit(70); },
  closeStores: () => node.inOrder(() => node.closeStores()),
};
expose(api, nodeEndpoint(parentPort!));
