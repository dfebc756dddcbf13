/**
 * Main's stand-in for an actor placed on a worker. The supervision executor and the system treat it
 * as a cell: it has the cell's spec, status and counters, and `start` / `terminate` / `beginStop` /
 * `retire` become control calls to the worker, made in order. The worker's real cell reports back —
 * exits, with its status and crash figures — and the stand-in passes them to the supervisor, which
 * decides as it would for an actor on main. A worker that dies is reported for each of its actors as a
 * crash (`workerDied`); their restart spawns them on the replacement worker.
 */
import type { CellSpec, CellStatus } from '../cell-spec.js';
import type { ErrorSummary } from '../errors.js';
import type { ActorStats } from '../stats.js';
import type { ExitReason } from '../supervision/restart-policy.js';
import type { FailureOrigin } from '../supervision/supervisor-logic.js';
import { durabilityReference } from './logic-registry.js';
import type { LogicReference } from './logic-registry.js';
import type { ThreadName } from './placement.js';
import type { FaultCommand, RemoteSpawnSpec, WorkerApi } from './thread-protocol.js';

/** How a stand-in reaches its worker (thread-pool.ts). */
export interface WorkerAccess {
  /** The worker's control calls, on the incarnation that is current (replacing a dead one first). */
  api(thread: ThreadName): WorkerApi;
  /** Which incarnation of the worker is current: a spawn is redone on a new one. */
  incarnation(thread: ThreadName): number;
  /** A control call failed (the worker died under it): logged, the exit notice follows. */
  failed(path: string, error: unknown): void;
}

/** Truthy while the remote actor runs (the executor asks `cell.actor !== undefined`). */
const RUNNING = Object.freeze({ remote: true });

export class RemoteCell {
  readonly path: string;
  readonly spec: CellSpec;
  readonly thread: ThreadName;
  readonly remote = true;
  readonly children: string[] = [];
  status: CellStatus = 'restarting';
  restarts = 0;
  crashes = 0;
  lastError: ErrorSummary | undefined;
  removed = false;
  /** The last figures the worker reported (refreshed by `ActorSystem.actorsEverywhere`). */
  stats: ActorStats | undefined;
  readonly #logic: LogicReference;
  readonly #slot: number;
  readonly #access: WorkerAccess;
  #spawnedOn = -1;

  constructor(spec: CellSpec, thread: ThreadName, logic: LogicReference, slot: number, access: WorkerAccess) {
    this.path = spec.path;
    this.spec = spec;
    this.thread = thread;
    this.#logic = logic;
    this.#slot = slot;
    this.#access = access;
  }

  get slot(): number {
    return this.#slot;
  }

  get actor(): object | undefined {
    return this.status === 'running' || this.status === 'stopping' ? RUNNING : undefined;
  }

  /** Starts the actor on its worker (spawning it there first on a new incarnation). Failures come back as exits. */
  start(input: unknown): boolean {
    this.status = 'running';
    const incarnation = this.#access.incarnation(this.thread);
    if (this.#spawnedOn !== incarnation) {
      this.#spawnedOn = incarnation;
      this.#call((api) => api.spawn(this.#spawnSpec()));
    }
    const restarts = this.restarts;
    this.#call((api) => api.start(this.path, input, restarts));
    return true;
  }

  terminate(nextStatus: CellStatus = 'restarting'): void {
    this.status = nextStatus;
    this.#call((api) => api.terminate(this.path, nextStatus));
  }

  beginStop(): void {
    if (this.status !== 'running') {
      this.status = 'stopped';
      this.#call((api) => api.retire(this.path));
      return;
    }
    this.status = 'stopping';
    this.#call((api) => api.beginStop(this.path));
  }

  retire(): void {
    this.status = 'stopped';
    this.#call((api) => api.retire(this.path));
  }

  /** Removed from the tree for good: the worker forgets it too. */
  dispose(): void {
    this.#call((api) => api.remove(this.path));
  }

  fault(fault: FaultCommand): void {
    this.#call((api) => api.fault(this.path, fault));
  }

  /** The worker's cell exited: take over its status and figures; the caller tells the supervisor. */
  exited(status: CellStatus, crashes: number, lastError: ErrorSummary | undefined): void {
    this.status = status;
    this.crashes = crashes;
    this.lastError = lastError;
  }

  /** The worker died under it: a crash like any other, reported to the supervisor by the caller. */
  workerDied(error: ErrorSummary): { reason: ExitReason; origin: FailureOrigin } {
    this.status = this.status === 'stopping' ? 'stopped' : 'restarting';
    this.crashes += 1;
    this.lastError = error;
    return { reason: 'crashed', origin: { path: this.path, error } };
  }

  #spawnSpec(): RemoteSpawnSpec {
    const { capacity, policy, maxWaiting } = this.spec.mailbox;
    return {
      path: this.path,
      parent: this.spec.parent!,
      childKind: this.spec.childKind,
      logic: this.#logic,
      mailbox: maxWaiting === undefined ? { capacity, policy } : { capacity, policy, maxWaiting },
      shutdownGraceMs: this.spec.shutdownGraceMs,
      maxMessageCrashes: this.spec.maxMessageCrashes,
      wire: this.spec.wire,
      slot: this.#slot,
      ...(this.spec.durable === undefined ? {} : { durable: { factory: durabilityReference(this.spec.durable.options)!, store: this.spec.durable.options.store.share! } }),
    };
  }

  #call(step: (api: WorkerApi) => Promise<unknown>): void {
    void step(this.#access.api(this.thread)).catch((error: unknown) => this.#access.failed(this.path, error));
  }
}
