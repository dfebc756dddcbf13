/**
 * The runtime side of supervision: carries out the commands supervisor logic emits (start, terminate,
 * stop, retire, remove, schedule a restart, give up), walks subtrees in the right order (start parents
 * then children in start order; stop children in reverse, then the parent), and turns the root giving
 * up into the system's one fatal failure.
 */
import type { ActorCell } from '../actor-cell.js';
import type { RemoteCell } from '../threads/remote-cell.js';
import type { CellHost } from '../cell-host.js';
import type { ErrorSummary } from '../errors.js';
import type { Random } from '../random.js';
import type { ExitReason, SupervisorOptions } from './restart-policy.js';
import type { FailureOrigin, SupervisorCommand, SupervisorInput } from './supervisor-logic.js';

/** Why the system failed: the root supervisor gave up, and the actor whose failure started it. */
export interface SystemFailure {
  readonly supervisor: string;
  readonly actor: string;
  readonly error: ErrorSummary;
  readonly restarts: number;
  readonly withinMs: number;
  readonly message: string;
}

/** A supervised cell: on this thread, or main's stand-in for one on a worker (supervisors are always here). */
type Cell = ActorCell | RemoteCell;

interface ExecutorHost extends CellHost {
  readonly random: Random;
  /** A cell left the tree for good (its slot, its stand-in's worker copy go too). */
  cellRemoved(cell: Cell): void;
}

export class SupervisionExecutor {
  readonly failure: Promise<SystemFailure>;
  readonly #host: ExecutorHost;
  readonly #cells: Map<string, Cell>;
  readonly #onFatal: (failure: SystemFailure) => void;
  readonly #stopWaiters = new Map<string, (() => void)[]>();
  #resolveFailure!: (failure: SystemFailure) => void;
  #failed = false;

  constructor(host: ExecutorHost, cells: Map<string, Cell>, onFatal: (failure: SystemFailure) => void) {
    this.#host = host;
    this.#cells = cells;
    this.#onFatal = onFatal;
    this.failure = new Promise((resolve) => { this.#resolveFailure = resolve; });
  }

  /** A newly spawned cell joins its supervisor (last in start order) and starts. */
  adopt(cell: Cell): void {
    const parent = this.#supervisor(cell.spec.parent!);
    parent.children.push(cell.path);
    parent.enqueueSystem({ type: 'troupe.child.added', payload: { path: cell.path, kind: cell.spec.childKind, at: this.#host.clock.now() } });
    this.startSubtree(cell, 0);
  }

  /** Starts a cell, and for a supervisor every live child after it, in start order. */
  startSubtree(cell: Cell, restarts: number): void {
    if (cell.actor !== undefined) return;
    cell.restarts = restarts;
    const live = this.#liveChildren(cell);
    const input: unknown = cell.spec.kind === 'supervisor'
      ? ({ options: cell.spec.input as SupervisorOptions, children: live.map((child) => ({ path: child.path, kind: child.spec.childKind })), at: this.#host.clock.now() } satisfies SupervisorInput)
      : cell.spec.input;
    if (!cell.start(input)) return;
    const events = this.#host.events;
    if (events.wants('actor.started')) events.publish({ type: 'actor.started', at: this.#host.clock.now(), path: cell.path, restart: restarts > 0 });
    for (const child of live) this.startSubtree(child, child.restarts);
  }

  execute(supervisor: ActorCell, command: SupervisorCommand): void {
    if (command.type === 'troupe.cmd.schedule-restart') return this.#scheduleRestart(supervisor, command);
    if (command.type === 'troupe.cmd.give-up') return this.#giveUp(supervisor, command.origin, command.restarts, command.withinMs);
    if (command.type === 'troupe.cmd.stopped') return this.#supervisorStopped(supervisor);
    const child = this.#cells.get(command.path);
    if (child === undefined) return;
    switch (command.type) {
      case 'troupe.cmd.start':
        this.startSubtree(child, command.restarts);
        if (this.#host.events.wants('actor.restarted')) {
          this.#host.events.publish({ type: 'actor.restarted', at: this.#host.clock.now(), path: child.path, restarts: command.restarts });
        }
        return;
      case 'troupe.cmd.terminate':
        return this.#terminateSubtree(child, 'restarting');
      case 'troupe.cmd.stop':
        return this.#beginStop(child);
      case 'troupe.cmd.retire':
        return this.#retireSubtree(child);
      case 'troupe.cmd.remove':
        return this.#removeSubtree(supervisor, child);
    }
  }

  notifyExit(cell: Cell, reason: ExitReason, origin: FailureOrigin | undefined): void {
    const parent = cell.spec.parent === undefined ? undefined : this.#cells.get(cell.spec.parent) as ActorCell | undefined;
    // A parent without a running actor is itself being restarted and will restart this child too.
    if (parent === undefined || parent.actor === undefined) return;
    parent.enqueueSystem({
      type: 'troupe.child.exited',
      payload: { path: cell.path, reason, origin, at: this.#host.clock.now(), uniform: this.#host.random.float() },
    });
  }

  stopChild(cell: Cell): Promise<void> {
    const done = this.#whenStopped(cell.path);
    (this.#cells.get(cell.spec.parent!) as ActorCell | undefined)?.enqueueSystem({ type: 'troupe.child.stop', payload: { path: cell.path } });
    return done;
  }

  shutdown(root: ActorCell): Promise<void> {
    if (root.status === 'stopped') return Promise.resolve();
    const done = this.#whenStopped(root.path);
    if (root.actor === undefined) {
      // The root already gave up: nothing is running; release what is still queued.
      this.#retireSubtree(root);
      this.#resolveWaiters(root.path);
      return done;
    }
    if (root.status !== 'stopping') {
      root.status = 'stopping';
      root.enqueueSystem({ type: 'troupe.shutdown', payload: { at: this.#host.clock.now() } });
    }
    return done;
  }

  /** Supervisors always run on this thread. */
  #supervisor(path: string): ActorCell {
    return this.#cells.get(path) as ActorCell;
  }

  #liveChildren(cell: Cell): Cell[] {
    return cell.children.map((path) => this.#cells.get(path)!).filter((child) => child.status !== 'stopped');
  }

  #scheduleRestart(supervisor: ActorCell, command: Extract<SupervisorCommand, { type: 'troupe.cmd.schedule-restart' }>): void {
    const { clock, events } = this.#host;
    clock.setTimeout(() => {
      supervisor.enqueueSystem({ type: 'troupe.restart.due', payload: { paths: command.paths, at: clock.now() } });
    }, command.delayMs);
    if (events.wants('actor.restart-scheduled')) {
      for (const path of command.paths) {
        events.publish({ type: 'actor.restart-scheduled', at: clock.now(), path, delayMs: command.delayMs, restarts: command.restarts });
      }
    }
  }

  #giveUp(supervisor: ActorCell, origin: FailureOrigin, restarts: number, withinMs: number): void {
    const { clock, events } = this.#host;
    const message = `supervisor ${supervisor.path} gave up after ${restarts} restarts in ${withinMs} ms: ` +
      `actor ${origin.path} failed: ${origin.error.name}: ${origin.error.message}`;
    const error: ErrorSummary = { name: 'RestartIntensityError', message, code: 'TROUPE_ERR_RESTART_INTENSITY' };
    for (const child of this.#liveChildren(supervisor).reverse()) this.#terminateSubtree(child, 'restarting');
    supervisor.terminate('failed');
    supervisor.crashes += 1;
    supervisor.lastError = error;
    if (events.wants('supervisor.gave-up')) events.publish({ type: 'supervisor.gave-up', at: clock.now(), path: supervisor.path, error });
    if (supervisor.spec.parent !== undefined) {
      this.notifyExit(supervisor, 'crashed', origin);
      return;
    }
    this.#fatal({ supervisor: supervisor.path, actor: origin.path, error: origin.error, restarts, withinMs, message: `root ${message}` });
  }

  #fatal(failure: SystemFailure): void {
    if (this.#failed) return;
    this.#failed = true;
    const { clock, events } = this.#host;
    if (events.wants('system.failed')) {
      events.publish({ type: 'system.failed', at: clock.now(), path: failure.actor, error: { name: 'SystemFailure', message: failure.message } });
    }
    this.#resolveFailure(failure);
    this.#onFatal(failure);
  }

  #beginStop(cell: Cell): void {
    if (cell.spec.kind === 'actor') {
      cell.beginStop();
      return;
    }
    const child = cell as ActorCell;
    if (child.actor === undefined) {
      this.#retireSubtree(child);
      this.notifyExit(child, 'shutdown', undefined);
      return;
    }
    child.status = 'stopping';
    child.enqueueSystem({ type: 'troupe.shutdown', payload: { at: this.#host.clock.now() } });
  }

  #supervisorStopped(supervisor: ActorCell): void {
    supervisor.terminate('stopped');
    this.#host.stopped(supervisor, 'shutdown');
    this.#resolveWaiters(supervisor.path);
    if (supervisor.spec.parent !== undefined) this.notifyExit(supervisor, 'shutdown', undefined);
  }

  #terminateSubtree(cell: Cell, status: 'restarting'): void {
    for (const child of this.#liveChildren(cell).reverse()) this.#terminateSubtree(child, status);
    cell.terminate(status);
  }

  #retireSubtree(cell: Cell): void {
    for (const child of this.#liveChildren(cell).reverse()) this.#retireSubtree(child);
    cell.retire();
  }

  #removeSubtree(supervisor: ActorCell, cell: Cell): void {
    for (const path of [...cell.children].reverse()) {
      const child = this.#cells.get(path);
      if (child !== undefined) this.#removeSubtree(cell as ActorCell, child);
    }
    cell.retire();
    cell.removed = true;
    this.#cells.delete(cell.path);
    this.#host.cellRemoved(cell);
    const index = supervisor.children.indexOf(cell.path);
    if (index >= 0) supervisor.children.splice(index, 1);
    this.#resolveWaiters(cell.path);
  }

  /** Resolves when `path` has stopped (a supervisor) or been removed (a stopped child). */
  #whenStopped(path: string): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.#stopWaiters.get(path) ?? [];
      waiters.push(resolve);
      this.#stopWaiters.set(path, waiters);
    });
  }

  #resolveWaiters(path: string): void {
    const waiters = this.#stopWaiters.get(path);
    this.#stopWaiters.delete(path);
    for (const resolve of waiters ?? []) resolve();
  }
}
