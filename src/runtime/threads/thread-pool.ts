/**
 * Main's side of the worker threads: starts one per `worker:N` the placement names, links each to
 * main and to every other worker (so actors on two workers talk directly), and wraps each in comlink
 * for control calls. A worker that exits unexpectedly is replaced at once by a new incarnation
 * (fresh thread, fresh links); `onDeath` lets the system report its actors as crashed, and their
 * supervisors' restarts spawn them on the replacement.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { releaseProxy, transfer, wrap } from 'comlink';
import type { Remote } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { LinkItem, LinkPort } from './link.js';
import type { PlacementConfig, ThreadName } from './placement.js';
import type { RemoteRouter } from './remote-router.js';
import type { WorkerApi, WorkerInit } from './thread-protocol.js';

interface Incarnation {
  readonly number: number;
  readonly worker: Worker;
  readonly api: Remote<WorkerApi>;
  readonly threadId: number;
  alive: boolean;
  /** What the thread died of, if it threw. */
  error?: Error;
}

/**
 * The worker entry beside this module: JavaScript when built; from TypeScript sources (tests, benches)
 * a small boot file registers tsx's loader in the new thread first, then imports the entry.
 */
function workerEntry(): { url: URL; entry: string | undefined } {
  if (!import.meta.url.endsWith('.ts')) return { url: new URL('./worker-main.js', import.meta.url), entry: undefined };
  return { url: new URL('./worker-boot.mjs', import.meta.url), entry: new URL('./worker-main.ts', import.meta.url).href };
}

export class ThreadPool {
  readonly #router: RemoteRouter;
  readonly #placement: PlacementConfig;
  readonly #onDeath: (thread: ThreadName, code: number, error: Error | undefined) => void;
  readonly #workers = new Map<ThreadName, Incarnation>();
  #closing = false;
  #incarnations = 0;

  constructor(router: RemoteRouter, placement: PlacementConfig, workers: number, onDeath: (thread: ThreadName, code: number, error: Error | undefined) => void) {
    this.#router = router;
    this.#placement = placement;
    this.#onDeath = onDeath;
    for (let n = 1; n <= workers; n += 1) this.#start(`worker:${n}`);
  }

  get threads(): ThreadName[] {
    return [...this.#workers.keys()];
  }

  api(thread: ThreadName): Remote<WorkerApi> {
    const incarnation = this.#workers.get(thread);
    if (incarnation === undefined) throw new RangeError(`no thread ${thread} (the placement starts ${this.#workers.size} workers)`);
    return incarnation.api;
  }

  incarnation(thread: ThreadName): number {
    return this.#workers.get(thread)?.number ?? -1;
  }

  /** Fault injection: the worker thread dies at once (its replacement starts as for any death). */
  kill(thread: ThreadName): void {
    void this.api(thread).die().catch(() => undefined);
  }

  threadId(thread: ThreadName): number {
    return this.#workers.get(thread)?.threadId ?? -1;
  }

  /** Stops every worker (after the actors on them were stopped by the supervision tree). */
  async close(): Promise<void> {
    this.#closing = true;
    this.#router.close();
    await Promise.all([...this.#workers.values()].map(async (incarnation) => {
      incarnation.api[releaseProxy]();
      await incarnation.worker.terminate();
    }));
  }

  #start(thread: ThreadName): void {
    const { url, entry } = workerEntry();
    const toMain = new MessageChannel();
    const init: WorkerInit = { thread, placement: this.#placement, occupancy: this.#router.occupancy.buffer, port: toMain.port2 as unknown as WorkerInit['port'], ...(entry === undefined ? {} : { entry }) };
    // A worker's young generation is sized like main's under `--max-semi-space-size=32` (troupe's own
    // flag): the calculators allocate at a high rate, and V8's default for workers is a fraction of it.
    const worker = new Worker(url, { workerData: init, transferList: [toMain.port2], resourceLimits: { maxYoungGenerationSizeMb: 96 } });
    this.#incarnations += 1;
    const incarnation: Incarnation = { number: this.#incarnations, worker, api: wrap<WorkerApi>(nodeEndpoint(worker)), threadId: worker.threadId, alive: true };
    this.#workers.set(thread, incarnation);
    worker.on('exit', (code) => this.#exited(thread, incarnation, code));
    worker.on('error', (error) => { incarnation.error = error; }); // reported with the exit that follows
    this.#router.connect(thread, toMain.port1 as unknown as LinkPort);
    // Everything main knows of where actors are, before anything else reaches the new worker.
    for (const [path, entry] of this.#router.directory) this.#router.post(thread, ['dir', path, entry.slot, entry.capacity, entry.policy, entry.maxWaiting] satisfies LinkItem);
    for (const [other, peer] of this.#workers) {
      if (other === thread || !peer.alive) continue;
      const channel = new MessageChannel();
      void incarnation.api.connect(other, transfer(channel.port1, [channel.port1]) as never);
      void peer.api.connect(thread, transfer(channel.port2, [channel.port2]) as never);
    }
  }

  #exited(thread: ThreadName, incarnation: Incarnation, code: number): void {
    incarnation.alive = false;
    if (this.#closing || this.#workers.get(thread) !== incarnation) return;
    this.#router.disconnect(thread);
    for (const [other, peer] of this.#workers) if (other !== thread && peer.alive) void peer.api.disconnect(thread);
    this.#start(thread);
    this.#onDeath(thread, code, incarnation.error);
  }
}
