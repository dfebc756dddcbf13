/**
 * What main and its workers say to each other. Two channels per worker:
 *
 *  - the data link (link.ts, batched, ordered): messages between actors (`m`, remote-router.ts) and
 *    the notices that must stay in order with them — main → worker: directory entries (`dir`,
 *    `undir`); worker → main: an actor exited (`exit`), a dead letter (`dl`), a runtime event (`evt`);
 *  - comlink (`WorkerApi`): control calls main makes — spawn, start, terminate, stop, retire, remove,
 *    stats, snapshot, inject a fault, connect a link to another worker. A worker runs them in the
 *    order they were made.
 *
 * A worker also has a direct data link to every other worker, so messages between actors on two
 * workers do not pass through main.
 */
import type { ErrorSummary } from '../errors.js';
import type { DeadLetterReason, RuntimeEvent } from '../events.js';
import type { OverflowPolicy } from '../mailbox.js';
import type { Envelope } from '../message.js';
import type { ActorStats } from '../stats.js';
import type { ChildKind, ExitReason } from '../supervision/restart-policy.js';
import type { FailureOrigin } from '../supervision/supervisor-logic.js';
import type { MessagePort } from 'node:worker_threads';
import type { CellStatus, WireFormat } from '../cell-spec.js';
import type { StoreShare } from '../persistence/state-store.js';
import type { LogicReference } from './logic-registry.js';
import type { PlacementConfig, ThreadName } from './placement.js';

/** What a worker needs to create a cell (not yet started). */
export interface RemoteSpawnSpec {
  readonly path: string;
  readonly parent: string;
  readonly childKind: ChildKind;
  readonly logic: LogicReference;
  readonly mailbox: { readonly capacity: number; readonly policy: OverflowPolicy; readonly maxWaiting?: number };
  readonly shutdownGraceMs: number;
  readonly maxMessageCrashes: number;
  readonly wire: WireFormat;
  readonly slot: number;
  /** A durable actor: its durability factory, and the store the worker opens on the same LMDB environment. */
  readonly durable?: { readonly factory: LogicReference; readonly store: StoreShare };
}

export type FaultCommand =
  | { readonly kind: 'crash-next' | 'crash-always' | 'fill' | 'clear' }
  | { readonly kind: 'delay'; readonly ms: number };

/** The control calls a worker answers (comlink). */
export interface WorkerApi {
  spawn(spec: RemoteSpawnSpec): Promise<void>;
  start(path: string, input: unknown, restarts: number): Promise<void>;
  terminate(path: string, status: CellStatus): Promise<void>;
  beginStop(path: string): Promise<void>;
  retire(path: string): Promise<void>;
  remove(path: string): Promise<void>;
  stats(): Promise<ActorStats[]>;
  snapshot(path: string): Promise<unknown>;
  fault(path: string, fault: FaultCommand): Promise<void>;
  connect(thread: ThreadName, port: MessagePort): Promise<void>;
  disconnect(thread: ThreadName): Promise<void>;
  /** Fault injection: the worker thread dies at once, as if it crashed. */
  die(): Promise<void>;
  /** Commits what the worker's durable actors wrote and closes its stores (before a graceful end). */
  closeStores(): Promise<void>;
}

/** What a worker is started with (`workerData`). */
export interface WorkerInit {
  readonly thread: ThreadName;
  readonly placement: PlacementConfig;
  readonly occupancy: SharedArrayBuffer;
  /** The data link to main. */
  readonly port: MessagePort;
  /** Under TypeScript sources: the entry the boot file imports once tsx's loader is registered. */
  readonly entry?: string;
}

export type DirectoryItem = readonly ['dir', string, number, number, OverflowPolicy, number, boolean] | readonly ['undir', string];

export type WorkerNotice =
  | readonly ['exit', string, ExitReason, FailureOrigin | undefined, CellStatus, number, ErrorSummary | undefined]
  | readonly ['dl', string, Envelope, DeadLetterReason, ErrorSummary | undefined, number]
  | readonly ['evt', RuntimeEvent];
