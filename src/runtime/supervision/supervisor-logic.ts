/**
 * A supervisor is an actor. Its logic (an xstate `fromTransition` logic, so its state is a plain,
 * serializable snapshot) hears about its children through system messages and answers with commands
 * the runtime carries out: start, terminate, stop, retire, schedule a restart, give up. Time and
 * randomness arrive inside the events (`at`, `uniform`), so the logic stays pure and replayable.
 *
 *   child.exited ─> restart? ─no──> retire
 *                    │yes
 *                    ├─ intensity exceeded ─> give-up (phase failed; the parent decides)
 *                    └─ terminate the rest of the group (reverse order)
 *                       schedule-restart(delay) ──…──> restart.due ─> start each (start order)
 *   shutdown ─> stop children one at a time in reverse start order ─> stopped
 */
import { fromTransition } from 'xstate';
import type { ErrorSummary } from '../errors.js';
import {
  backoffDelayMs,
  checkIntensity,
  restartGroup,
  shouldRestart,
} from './restart-policy.js';
import type { ChildKind, ExitReason, SupervisorOptions } from './restart-policy.js';

export type ChildStatus = 'running' | 'restarting' | 'stopping' | 'exited';

export interface SupervisedChild {
  readonly path: string;
  readonly kind: ChildKind;
  status: ChildStatus;
  consecutiveRestarts: number;
  lastStartAt: number;
  restarts: number;
}

/** The actor that failed first, carried up through supervisors that give up. */
export interface FailureOrigin {
  readonly path: string;
  readonly error: ErrorSummary;
}

export interface SupervisorState {
  phase: 'supervising' | 'shutting-down' | 'stopped' | 'failed';
  readonly options: SupervisorOptions;
  children: SupervisedChild[];
  restartLog: number[];
  shutdownQueue: string[];
}

export type SupervisorEvent =
  | { type: 'troupe.child.added'; payload: { path: string; kind: ChildKind; at: number } }
  | { type: 'troupe.child.stop'; payload: { path: string } }
  | { type: 'troupe.child.exited'; payload: { path: string; reason: ExitReason; origin: FailureOrigin | undefined; at: number; uniform: number } }
  | { type: 'troupe.restart.due'; payload: { paths: string[]; at: number } }
  | { type: 'troupe.shutdown'; payload: { at: number } };

export type SupervisorCommand =
  | { type: 'troupe.cmd.start'; path: string; restarts: number }
  | { type: 'troupe.cmd.terminate'; path: string }
  | { type: 'troupe.cmd.stop'; path: string }
  | { type: 'troupe.cmd.retire'; path: string }
  | { type: 'troupe.cmd.remove'; path: string }
  | { type: 'troupe.cmd.schedule-restart'; paths: string[]; delayMs: number; restarts: number }
  | { type: 'troupe.cmd.give-up'; origin: FailureOrigin; restarts: number; withinMs: number }
  | { type: 'troupe.cmd.stopped' };

export const SUPERVISOR_COMMAND_PREFIX = 'troupe.cmd.';

export interface SupervisorInput {
  readonly options: SupervisorOptions;
  readonly children: readonly { readonly path: string; readonly kind: ChildKind }[];
  readonly at: number;
}

export function initialSupervisorState(input: SupervisorInput): SupervisorState {
  return {
    phase: 'supervising',
    options: input.options,
    children: input.children.map((child) => ({
      path: child.path, kind: child.kind, status: 'running', consecutiveRestarts: 0, lastStartAt: input.at, restarts: 0,
    })),
    restartLog: [],
    shutdownQueue: [],
  };
}

/** Pure: the next state and the commands for the runtime. Mutates a copy, never its argument. */
export function superviseTransition(previous: SupervisorState, event: SupervisorEvent): { state: SupervisorState; commands: SupervisorCommand[] } {
  const state: SupervisorState = structuredClone(previous);
  const commands: SupervisorCommand[] = [];
  switch (event.type) {
    case 'troupe.child.added':
      state.children = state.children.filter((child) => child.path !== event.payload.path);
      state.children.push({ path: event.payload.path, kind: event.payload.kind, status: 'running', consecutiveRestarts: 0, lastStartAt: event.payload.at, restarts: 0 });
      break;
    case 'troupe.child.stop':
      stopOne(state, event.payload.path, commands);
      break;
    case 'troupe.child.exited':
      if (state.phase === 'shutting-down') onExitDuringShutdown(state, event.payload.path, commands);
      else if (state.phase === 'supervising') onExit(state, event.payload, commands);
      break;
    case 'troupe.restart.due':
      if (state.phase === 'supervising') onRestartDue(state, event.payload.paths, event.payload.at, commands);
      break;
    case 'troupe.shutdown':
      if (state.phase === 'supervising' || state.phase === 'failed') {
        state.phase = 'shutting-down';
        state.shutdownQueue = state.children.filter((child) => child.status !== 'exited').map((child) => child.path).reverse();
        stopNext(state, commands);
      }
      break;
  }
  return { state, commands };
}

function stopOne(state: SupervisorState, path: string, commands: SupervisorCommand[]): void {
  const child = state.children.find((candidate) => candidate.path === path);
  if (child === undefined) return;
  if (child.status === 'running') {
    child.status = 'stopping';
    commands.push({ type: 'troupe.cmd.stop', path });
    return;
  }
  if (child.status === 'restarting') commands.push({ type: 'troupe.cmd.retire', path });
  state.children = state.children.filter((candidate) => candidate !== child);
  commands.push({ type: 'troupe.cmd.remove', path });
}

function onExit(state: SupervisorState, exit: Extract<SupervisorEvent, { type: 'troupe.child.exited' }>['payload'], commands: SupervisorCommand[]): void {
  const index = state.children.findIndex((candidate) => candidate.path === exit.path);
  const child = state.children[index];
  if (child === undefined || child.status === 'exited') return;
  if (child.status === 'stopping') {
    // An individual stop (`system.stop(path)`) finished.
    state.children.splice(index, 1);
    commands.push({ type: 'troupe.cmd.remove', path: child.path });
    return;
  }
  if (!shouldRestart(child.kind, exit.reason)) {
    child.status = 'exited';
    commands.push({ type: 'troupe.cmd.retire', path: child.path });
    return;
  }
  const { options } = state;
  const { window, allowed } = checkIntensity(state.restartLog, exit.at, options.intensity);
  const origin = exit.origin ?? { path: child.path, error: { name: 'Exit', message: `exited (${exit.reason})` } };
  if (!allowed) {
    state.phase = 'failed';
    state.restartLog = window;
    commands.push({ type: 'troupe.cmd.give-up', origin, restarts: window.length, withinMs: options.intensity.withinMs });
    return;
  }
  state.restartLog = [...window, exit.at];
  const group = restartGroup(options.strategy, state.children, index, (candidate) => candidate.status === 'running' || candidate.status === 'restarting');
  for (const member of [...group].reverse()) {
    if (member === child || member.status !== 'running') continue;
    commands.push({ type: 'troupe.cmd.terminate', path: member.path });
    member.status = 'restarting';
    // Erlang: a temporary child is never restarted, not even when a sibling's death terminated it.
    if (member.kind === 'temporary') {
      member.status = 'exited';
      commands.push({ type: 'troupe.cmd.retire', path: member.path });
    }
  }
  child.status = 'restarting';
  if (exit.at - child.lastStartAt >= options.backoff.resetAfterMs) child.consecutiveRestarts = 0;
  const delayMs = backoffDelayMs(options.backoff, child.consecutiveRestarts, exit.uniform);
  child.consecutiveRestarts += 1;
  const paths = group.filter((member) => member.status === 'restarting').map((member) => member.path);
  commands.push({ type: 'troupe.cmd.schedule-restart', paths, delayMs, restarts: child.restarts + 1 });
}

function onRestartDue(state: SupervisorState, paths: readonly string[], at: number, commands: SupervisorCommand[]): void {
  for (const path of paths) {
    const child = state.children.find((candidate) => candidate.path === path);
    if (child === undefined || child.status !== 'restarting') continue;
    child.status = 'running';
    child.lastStartAt = at;
    child.restarts += 1;
    commands.push({ type: 'troupe.cmd.start', path, restarts: child.restarts });
  }
}

function onExitDuringShutdown(state: SupervisorState, path: string, commands: SupervisorCommand[]): void {
  const child = state.children.find((candidate) => candidate.path === path);
  if (child === undefined || child.status === 'exited') return;
  const wasCurrent = child.status === 'stopping';
  child.status = 'exited';
  if (!wasCurrent) {
    // A child crashed while waiting its turn to stop: it is not restarted.
    state.shutdownQueue = state.shutdownQueue.filter((queued) => queued !== path);
    commands.push({ type: 'troupe.cmd.retire', path });
    return;
  }
  stopNext(state, commands);
}

function stopNext(state: SupervisorState, commands: SupervisorCommand[]): void {
  while (state.shutdownQueue.length > 0) {
    const path = state.shutdownQueue.shift()!;
    const child = state.children.find((candidate) => candidate.path === path);
    if (child === undefined || child.status === 'exited') continue;
    if (child.status === 'running') {
      child.status = 'stopping';
      commands.push({ type: 'troupe.cmd.stop', path });
      return;
    }
    child.status = 'exited';
    commands.push({ type: 'troupe.cmd.retire', path });
  }
  state.phase = 'stopped';
  commands.push({ type: 'troupe.cmd.stopped' });
}

/** The supervisor as xstate actor logic: state in the snapshot's context, commands emitted. */
export const supervisorLogic = fromTransition<SupervisorState, SupervisorEvent, never, SupervisorInput, SupervisorCommand>(
  (state, event, scope) => {
    const { state: next, commands } = superviseTransition(state, event);
    for (const command of commands) scope.emit(command);
    return next;
  },
  ({ input }) => initialSupervisorState(input),
);
