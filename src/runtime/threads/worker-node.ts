/**
 * The host of the actors placed on one worker thread. It runs real cells (actor-cell.ts) with their
 * own run queue on the worker's event loop; supervision stays on main, which drives these cells by
 * control calls (thread-protocol.ts) and hears from them — exits, dead letters, runtime events — on
 * the data link, in order with their messages.
 *
 * Messages for an actor placed here that arrive before main's spawn call (they travel on other
 * ports) wait for it; if no spawn comes within `EARLY_MS`, they are dead letters (no such actor).
 */
import assert from 'node:assert';
import type { AnyActorLogic } from 'xstate';
import { ActorCell } from '../actor-cell.js';
import type { CellSpec, CellStatus } from '../cell-spec.js';
import { offerFrom } from '../cell-host.js';
import type { CellHost } from '../cell-host.js';
import { realClock } from '../clock.js';
import type { Clock, TimerId } from '../clock.js';
import type { ErrorSummary } from '../errors.js';
import { EventBus, RUNTIME_EVENT_TYPES } from '../events.js';
import type { DeadLetterReason, StopReason } from '../events.js';
import type { Envelope } from '../message.js';
import { RealTimeScheduler } from '../scheduler.js';
import { describeCell } from '../stats.js';
import type { ActorStats } from '../stats.js';
import type { ExitReason } from '../supervision/restart-policy.js';
import type { FailureOrigin, SupervisorCommand } from '../supervision/supervisor-logic.js';
import { ActorDurability } from '../persistence/durable.js';
import { openStateStore } from '../persistence/lmdb-store.js';
import type { StateStore, StoreShare } from '../persistence/state-store.js';
import { importDurability, importLogic } from './logic-registry.js';
import { SharedOccupancy } from './occupancy.js';
import { Placement } from './placement.js';
import type { ThreadName } from './placement.js';
import { RemoteRouter, parkSender } from './remote-router.js';
import type { CrossingMode } from './remote-router.js';
import type { BatchReader, LinkItem, LinkPort } from './link.js';
import type { FaultCommand, RemoteSpawnSpec, WorkerInit, WorkerNotice } from './thread-protocol.js';

const EARLY_MS = 10_000;

/** A message as it crossed: to, type, payload, sender, correlationId, enqueuedAt, mode. */
type Crossing = readonly [string, string, unknown, string | undefined, string | undefined, number, CrossingMode];
/** Per-message events stay on the worker: forwarding them would cost a clone per message. */
const FORWARDED_EVENTS = RUNTIME_EVENT_TYPES.filter((type) => type !== 'actor.processed');

export class WorkerNode implements CellHost {
  readonly clock: Clock = realClock;
  readonly events = new EventBus();
  readonly thread: ThreadName;
  readonly router: RemoteRouter;
  readonly #scheduler: RealTimeScheduler;
  readonly #cells = new Map<string, ActorCell>();
  readonly #early = new Map<string, { readonly items: Crossing[]; readonly timer: TimerId }>();
  /** Control calls run one after another, in the order main made them (spawn imports a module). */
  #control: Promise<unknown> = Promise.resolve();
  readonly #stores = new Map<string, StateStore>();
  readonly #wake = (cell: ActorCell): void => this.schedule(cell);

  constructor(init: Omit<WorkerInit, 'port'>, mainPort: LinkPort) {
    this.thread = init.thread;
    this.#scheduler = new RealTimeScheduler(this.clock);
    const reader: BatchReader = {
      message: (to, type, payload, sender, correlationId, enqueuedAt, mode) => this.#deliver([to, type, payload, sender, correlationId, enqueuedAt, mode as CrossingMode]),
      control: (item) => this.#onControl(item),
    };
    this.router = new RemoteRouter(init.thread, new Placement(init.placement), new SharedOccupancy(init.occupancy), () => reader);
    this.router.connect('main', mainPort);
    this.events.subscribe((event) => this.#notify(['evt', event]), FORWARDED_EVENTS);
  }

  /** This worker's handle on a store main opened: the same LMDB environment, opened once per thread. */
  #storeFor(share: StoreShare): StateStore {
    let store = this.#stores.get(share.dir);
    if (store === undefined) {
      // Main opened it first (schema checked, damage handled): here it only opens.
      store = openStateStore({ ...share, clock: this.clock, log: (line) => process.stderr.write(`troupe (${this.thread}): ${line}\n`) });
      this.#stores.set(share.dir, store);
    }
    return store;
  }

  /** Commits what this worker's durable actors wrote and closes the stores (main calls it before ending the thread). */
  async closeStores(): Promise<void> {
    const stores = [...this.#stores.values()];
    this.#stores.clear();
    await Promise.all(stores.map((store) => store.close()));
  }

  /** Runs `step` after every control call made before it. */
  inOrder<T>(step: () => T | Promise<T>): Promise<T> {
    const result = this.#control.then(step);
    this.#control = result.catch(() => undefined);
    return result;
  }

  async spawn(spec: RemoteSpawnSpec): Promise<void> {
    assert(!this.#cells.has(spec.path), `${spec.path} spawned twice on ${this.thread}`);
    const logic: AnyActorLogic = await importLogic(spec.logic);
    const durable = spec.durable === undefined ? undefined : new ActorDurability(spec.path, (await importDurability(spec.durable.factory))(this.#storeFor(spec.durable.store)));
    const cellSpec: CellSpec = {
      path: spec.path, parent: spec.parent, kind: 'actor', childKind: spec.childKind, logic, input: undefined,
      mailbox: spec.mailbox, shutdownGraceMs: spec.shutdownGraceMs, maxMessageCrashes: spec.maxMessageCrashes, wire: spec.wire,
      ...(durable === undefined ? {} : { durable }),
    };
    const cell = new ActorCell(cellSpec, this);
    cell.mailbox.share(this.router.occupancy, spec.slot);
    this.#cells.set(spec.path, cell);
    this.router.directory.set(spec.path, {
      thread: this.thread, slot: spec.slot, capacity: spec.mailbox.capacity, policy: spec.mailbox.policy,
      maxWaiting: spec.mailbox.maxWaiting ?? Math.max(64, spec.mailbox.capacity), json: spec.wire === 'json',
    });
    const early = this.#early.get(spec.path);
    if (early !== undefined) {
      this.#early.delete(spec.path);
      this.clock.clearTimeout(early.timer);
      for (const item of early.items) this.#deliver(item);
    }
  }

  start(path: string, input: unknown, restarts: number): void {
    const cell = this.#cell(path);
    cell.restarts = restarts;
    cell.start(input);
  }

  // A cell main asks to terminate, stop or retire may not be here: main's call can reach a replacement
  // worker the cell was never spawned on (it is spawned again when it restarts).
  terminate(path: string, status: CellStatus): void {
    this.#cells.get(path)?.terminate(status);
  }

  beginStop(path: string): void {
    this.#cells.get(path)?.beginStop();
  }

  retire(path: string): void {
    this.#cells.get(path)?.retire();
  }

  remove(path: string): void {
    this.#cells.get(path)?.retire();
    this.#cells.delete(path);
  }

  stats(): ActorStats[] {
    return [...this.#cells.values()].map((cell) => ({ ...describeCell(cell), thread: this.thread }));
  }

  snapshot(path: string): unknown {
    return this.#cell(path).actor?.getPersistedSnapshot();
  }

  fault(path: string, fault: FaultCommand): void {
    const cell = this.#cell(path);
    switch (fault.kind) {
      case 'crash-next': cell.crashNext = true; return;
      case 'crash-always': cell.crashAlways = true; return;
      case 'delay': cell.delayMs = Math.max(0, fault.ms); return;
      case 'fill': cell.mailbox.fill(); return;
      case 'clear':
        cell.crashNext = false;
        cell.crashAlways = false;
        cell.delayMs = 0;
        cell.mailbox.clearFill();
    }
  }

  // ---- CellHost -----------------------------------------------------------------------------------

  schedule(cell: ActorCell): void {
    this.#scheduler.schedule(cell);
  }

  route(from: ActorCell, to: string, type: string, payload: unknown, correlationId: string | undefined): Error | undefined {
    const target = this.#cells.get(to);
    if (target === undefined) {
      const outcome = this.router.send(to, type, payload, from.path, correlationId, from.stepStartedAt);
      if (outcome instanceof Error) return outcome;
      if (outcome !== undefined) parkSender(from, outcome, () => this.schedule(from));
      return undefined;
    }
    return offerFrom(from, target, { type, payload, sender: from.path, correlationId, enqueuedAt: from.stepStartedAt }, this.#wake);
  }

  executeSupervisorCommand(supervisor: ActorCell, command: SupervisorCommand): void {
    assert.fail(`supervisor ${supervisor.path} on ${this.thread} issued ${command.type}: supervisors run on main`);
  }

  notifyExit(cell: ActorCell, reason: ExitReason, origin: FailureOrigin | undefined): void {
    this.#notify(['exit', cell.path, reason, origin, cell.status, cell.crashes, cell.lastError]);
  }

  deadLetter(path: string, envelope: Envelope, reason: DeadLetterReason, error: ErrorSummary | undefined, crashCount: number): void {
    this.#notify(['dl', path, envelope, reason, error, crashCount]);
  }

  stopped(cell: ActorCell, reason: StopReason): void {
    if (this.events.wants('actor.stopped')) this.events.publish({ type: 'actor.stopped', at: this.clock.now(), path: cell.path, reason });
  }

  // ---- internals ----------------------------------------------------------------------------------

  #notify(notice: WorkerNotice): void {
    this.router.post('main', notice);
  }

  #cell(path: string): ActorCell {
    const cell = this.#cells.get(path);
    assert(cell !== undefined, `no actor ${path} on ${this.thread}`);
    return cell;
  }

  #onControl(item: LinkItem): void {
    switch (item[0]) {
      case 'dir': {
        const path = item[1] as string;
        this.router.directory.set(path, { thread: this.router.placement.threadOf(path), slot: item[2] as number, capacity: item[3] as number, policy: item[4] as never, maxWaiting: item[5] as number, json: item[6] === true });
        return;
      }
      case 'undir': this.router.directory.delete(item[1] as string); return;
      default: assert.fail(`unknown item ${String(item[0])} on ${this.thread}`);
    }
  }

  #deliver(item: Crossing): void {
    const [to, type, payload, sender, correlationId, enqueuedAt, mode] = item;
    const cell = this.#cells.get(to);
    if (cell !== undefined) {
      cell.admitRemote({ type, payload, sender, correlationId, enqueuedAt }, mode);
      return;
    }
    if (this.router.placement.threadOf(to) === this.thread && !to.startsWith('/_ask/')) {
      this.#holdEarly(to, item);
      return;
    }
    if (mode === 'r') this.router.releaseReservation(to);
    this.deadLetter(to, { type, payload, sender, correlationId, enqueuedAt }, 'no-such-actor', undefined, 0);
  }

  #holdEarly(to: string, item: Crossing): void {
    const early = this.#early.get(to);
    if (early !== undefined) {
      early.items.push(item);
      return;
    }
    const timer = this.clock.setTimeout(() => {
      const held = this.#early.get(to);
      this.#early.delete(to);
      for (const [, type, payload, sender, correlationId, enqueuedAt, mode] of held?.items ?? []) {
        if (mode === 'r') this.router.releaseReservation(to);
        this.deadLetter(to, { type, payload, sender, correlationId, enqueuedAt }, 'no-such-actor', undefined, 0);
      }
    }, EARLY_MS);
    this.#early.set(to, { items: [item], timer });
  }
}
