/**
 * The head of the actor graph (Felix's validation filter and dispatcher behind the syncer callbacks):
 * validates incoming records, keeps the current snapshot (so it can replay it into a new epoch after
 * a calculator restarts, see epochs.ts), routes each update to the calculators that need it, and
 * turns sync status and flush requests into markers.
 *
 * Machine states follow the datastore: waitingForDatastore → resyncing → inSync. With `autoFlush`,
 * every batch of records is followed by a flush, rate-limited by a leaky bucket on the actor's clock.
 *
 * Durable (`sourceDurability`): the records as the datastore sent them (`r/<key>`), the datastore's
 * positions (`p/<source>`, a Kubernetes resourceVersion per resource) and the sync status — the
 * replayable half of the Syncer. After a process restart the calculators start empty: `resume`
 * replays the restored snapshot into them, and the datastore, started from the records it restored
 * (`resume-records`), sends only what changed while troupe was down.
 */
import { enqueueActions, setup } from 'xstate';
import { sendFrom } from '../../../runtime/message.js';
import type { Envelope } from '../../../runtime/message.js';
import type { FlushReply, Marker } from '../graph/barrier.js';
import { routeUpdate } from '../graph/dispatcher.js';
import { validateRecord } from '../model/validate.js';
import type { Stage as Route } from '../graph/dispatcher.js';
import type { SyncStatus } from '../graph/events.js';
import { FlushThrottle } from '../graph/flush-throttle.js';
import { keyString } from '../model/records.js';
import type { ModelUpdate } from '../model/records.js';
import type { InvalidRecord } from '../model/validate.js';
import type { CalcFigures } from './calc-figures.js';
import type { CalcEpochs } from './epochs.js';
import { Outbox } from './stage-actor.js';
import type { ActorStateView, DurableOptions } from '../../../runtime/persistence/durable.js';
import type { StateStore } from '../../../runtime/persistence/state-store.js';
import { CALC_PATHS as P } from './calc-paths.js';
import { memberInputs, pushToMembers } from './member-shards.js';

export interface SourceInput {
  readonly figures: CalcFigures;
  readonly hostname: string;
  readonly epochs: CalcEpochs;
  readonly onInvalid: (invalid: InvalidRecord) => void;
  readonly autoFlush: boolean;
  /** Shards of the member calculator (member-shards.ts); 1 when it is not sharded. */
  readonly memberShards: number;
}

const TARGETS: Record<Exclude<Route, 'members'>, string> = { arc: P.arc, resolver: P.resolver, config: P.config };
/** Where the source sends: every calculator, the member calculator's shards in its place. */
const outputsFor = (input: SourceInput): string[] => [P.arc, P.resolver, ...memberInputs(input.memberShards), P.config];
/** Replayed updates go out in batches of this many per calculator. */
const REPLAY_BATCH = 2_000;
/** Restored records replayed per warm-up step. */
const WARM_PAGE = 2_000;
const WARM: Envelope = { type: 'warm', payload: undefined, sender: undefined, correlationId: undefined, enqueuedAt: 0 };
/** Flush requests remembered, to answer them after a replay if their marker was dropped. */
const RECENT_REPLIES = 64;

interface SourceContext {
  readonly input: SourceInput;
  readonly snapshot: Map<string, ModelUpdate>;
  /** Changes not yet saved: key → the record as received, or null for a deletion. */
  readonly unsaved: Map<string, unknown>;
  readonly positions: Map<string, string>;
  readonly unsavedPositions: Set<string>;
  /** Restored from the store: the calculators (a new process) have not seen the snapshot yet. */
  resumePending: boolean;
  statusUnsaved: boolean;
  boundTo: object | undefined;
  /** The records as restored, until the datastore has asked for them. */
  restoredRecords: unknown[] | undefined;
  /** The stored state, until its records are loaded (lazily: a restart that finds nothing changed needs only the header). */
  stored: ActorStateView | undefined;
  /** Batches of records taken in; flush markers carry it, and the dataplane actor stores the one its output reflects. */
  version: number;
  versionUnsaved: boolean;
  /** Replaying the restored snapshot page by page: the last key done. */
  warming: { after: string | undefined } | undefined;
  /** `resume-records` asks waiting for the warm-up to end. */
  recordAsks: { replyTo: string; correlationId: string | undefined }[];
  readonly out: Outbox;
  epoch: number;
  nextMarker: number;
  status: SyncStatus;
  recentReplies: FlushReply[];
  throttle: FlushThrottle | undefined;
  flushScheduled: boolean;
  updates: number;
}

function route(context: SourceContext, updates: readonly ModelUpdate[]): void {
  for (const update of updates) {
    for (const stage of routeUpdate(update, context.input.hostname)) {
      if (stage === 'members') pushToMembers(context.out, update, context.input.memberShards);
      else context.out.push(TARGETS[stage], update);
    }
  }
}

function onRecords(context: SourceContext, records: readonly unknown[]): void {
  const updates: ModelUpdate[] = [];
  for (const record of records) {
    const { update, invalid } = validateRecord(record);
    if (invalid !== undefined) context.input.onInvalid(invalid);
    if (update === undefined) continue;
    updates.push(update);
    const key = keyString(update);
    if (update.value === null) context.snapshot.delete(key);
    else context.snapshot.set(key, update);
    context.unsaved.set(key, update.value === null ? null : record);
  }
  context.updates += updates.length;
  context.version += 1;
  context.versionUnsaved = true;
  for (const update of updates) context.input.figures.countUpdate(update.type);
  route(context, updates);
  context.out.flush();
}

function sendMarker(context: SourceContext, marker: Omit<Marker, 'id'>): void {
  if (context.warming !== undefined) return; // the warm-up's last step sends one marker for everything
  context.nextMarker += 1;
  context.out.marker({ id: context.nextMarker, ...marker, ...(marker.flush ? { version: context.version } : {}) });
}

/** Loads the stored records into the snapshot, once, after a restore. */
function loadStored(context: SourceContext): void {
  const stored = context.stored;
  if (stored === undefined) return;
  context.stored = undefined;
  context.warming = undefined;
  context.restoredRecords = [];
  for (const [, record] of stored.entries(RECORD)) {
    const { update } = validateRecord(record);
    if (update === undefined || update.value === null) continue;
    context.snapshot.set(keyString(update), update);
    context.restoredRecords.push(record);
  }
  context.updates = context.snapshot.size;
}

function routeSnapshot(context: SourceContext): void {
  let batch: ModelUpdate[] = [];
  for (const update of context.snapshot.values()) {
    batch.push(update);
    if (batch.length === REPLAY_BATCH) {
      route(context, batch);
      context.out.flush();
      batch = [];
    }
  }
  route(context, batch);
  context.out.flush();
}

function replay(context: SourceContext, epoch: number, self: object): void {
  // A source restored after its own crash opened this epoch itself and still owes the replay.
  if (epoch < context.epoch || (epoch === context.epoch && !context.resumePending)) return;
  context.epoch = epoch;
  context.out.epoch = epoch;
  context.resumePending = false;
  loadStored(context);
  answerRecordAsks(context, self);
  routeSnapshot(context);
  sendMarker(context, { ...(context.status === 'InSync' ? { status: 'InSync' as const } : {}), flush: true, replies: context.recentReplies });
}

/** Points the outbox at this incarnation of the actor (a restored context was built before it existed). */
function bindOut(context: SourceContext, self: object): void {
  if (context.boundTo === self) return;
  context.boundTo = self;
  context.out.bind((to, type, payload) => sendFrom(self, to, type, payload));
}

/** After a process restart: the calculators get the restored snapshot; the datastore's statuses follow. */
/**
 * Starts replaying the restored snapshot into the calculators: page by page (`warm` steps, each its own
 * turn), so that a restart that finds nothing changed is in sync at once while this runs behind it.
 * Returns true when a `warm` step must follow. Records arriving meanwhile are routed at once (a later
 * page reads the store, which already has them); markers wait for the end, where one marker carries the
 * status (the stored snapshot was complete if the datastore was in sync) and every flush request.
 */
function resume(context: SourceContext): boolean {
  if (!context.resumePending) return false;
  context.resumePending = false;
  if (context.stored === undefined) {
    routeSnapshot(context);
    sendMarker(context, { ...(context.status === 'InSync' ? { status: 'InSync' as const } : {}), flush: true, replies: context.recentReplies });
    return false;
  }
  context.warming = { after: undefined };
  context.restoredRecords = [];
  return true;
}

/** One page of the warm-up; false once it is done (and the marker and any waiting askers answered). */
function warmStep(context: SourceContext, self: object): boolean {
  const { stored, warming } = context;
  if (warming === undefined) return false;
  if (stored !== undefined) {
    const page = stored.page(RECORD, warming.after, WARM_PAGE);
    const batch: ModelUpdate[] = [];
    for (const [, record] of page.entries) {
      const { update } = validateRecord(record);
      if (update === undefined || update.value === null) continue;
      context.snapshot.set(keyString(update), update);
      context.restoredRecords?.push(record);
      batch.push(update);
    }
    route(context, batch);
    context.out.flush();
    warming.after = page.next;
    if (page.next !== undefined) return true;
  }
  context.warming = undefined;
  context.stored = undefined;
  context.updates = context.snapshot.size;
  sendMarker(context, { ...(context.status === 'InSync' ? { status: 'InSync' as const } : {}), flush: true, replies: context.recentReplies });
  answerRecordAsks(context, self);
  return false;
}

function answerRecordAsks(context: SourceContext, self: object): void {
  for (const { replyTo, correlationId } of context.recordAsks) sendFrom(self, replyTo, 'resume-records', context.restoredRecords ?? [], correlationId);
  if (context.recordAsks.length > 0) context.restoredRecords = undefined;
  context.recordAsks = [];
}

function emptySource(input: SourceInput): Omit<SourceContext, 'out' | 'epoch'> {
  return {
    input, snapshot: new Map(), unsaved: new Map(), positions: new Map(), unsavedPositions: new Set(), resumePending: false, statusUnsaved: true, boundTo: undefined, restoredRecords: undefined, stored: undefined, version: 0, versionUnsaved: false, warming: undefined, recordAsks: [],
    nextMarker: 0, status: 'WaitForDatastore', recentReplies: [], throttle: undefined, flushScheduled: false, updates: 0,
  };
}

export const sourceLogic = setup({
  types: { context: {} as SourceContext, input: {} as SourceInput, events: {} as Envelope },
  guards: { inSync: ({ event }) => event.payload === 'InSync' },
  actions: {
    noteStatus: ({ context, event }) => {
      context.status = event.payload as SyncStatus;
      context.statusUnsaved = true;
      context.input.figures.syncStatus = context.status;
    },
    startWarm: enqueueActions(({ context, enqueue, self }) => {
      bindOut(context, self);
      if (resume(context)) enqueue.raise(WARM, { delay: 0 });
    }),
    announceInSync: ({ context, self }) => {
      bindOut(context, self);
      context.status = 'InSync';
      context.statusUnsaved = true;
      context.input.figures.syncStatus = 'InSync';
      sendMarker(context, { status: 'InSync', flush: true });
    },
  },
}).createMachine({
  id: 'calc-source',
  context: ({ input, self }) => {
    const epoch = input.epochs.started(P.source).epoch;
    const context: SourceContext = { ...emptySource(input), out: new Outbox(outputsFor(input)), epoch };
    context.out.epoch = epoch;
    bindOut(context, self);
    return context;
  },
  initial: 'waitingForDatastore',
  on: {
    // A restored source starts its warm-up before anything new, if no one asked for it yet.
    records: {
      actions: ['startWarm', enqueueActions(({ context, event, enqueue, self }) => {
        bindOut(context, self);
        onRecords(context, event.payload as readonly unknown[]);
        if (!context.input.autoFlush || context.flushScheduled) return;
        context.throttle ??= new FlushThrottle(event.enqueuedAt);
        const wait = context.throttle.waitMs(event.enqueuedAt);
        if (wait === 0 && context.throttle.tryTake(event.enqueuedAt)) sendMarker(context, { flush: true });
        else {
          context.flushScheduled = true;
          enqueue.raise({ type: 'auto-flush', payload: undefined, sender: undefined, correlationId: undefined, enqueuedAt: event.enqueuedAt + wait }, { delay: wait });
        }
      })],
    },
    'auto-flush': {
      actions: ['startWarm', ({ context, event, self }) => {
        bindOut(context, self);
        context.flushScheduled = false;
        context.throttle?.tryTake(event.enqueuedAt);
        sendMarker(context, { flush: true });
      }],
    },
    flush: {
      actions: ['startWarm', ({ context, event, self }) => {
        bindOut(context, self);
        const replies = event.sender === undefined ? [] : [{ replyTo: event.sender, correlationId: event.correlationId }];
        context.recentReplies = [...context.recentReplies, ...replies].slice(-RECENT_REPLIES);
        sendMarker(context, { flush: true, replies });
      }],
    },
    replay: { actions: ({ context, event, self }) => { bindOut(context, self); replay(context, (event.payload as { epoch: number }).epoch, self); } },
    resume: { target: '.waitingForDatastore', actions: 'startWarm' },
    warm: {
      actions: enqueueActions(({ context, enqueue, self }) => {
        bindOut(context, self);
        if (warmStep(context, self)) enqueue.raise(WARM, { delay: 0 });
      }),
    },
    // Where the datastore resumes from (answered before the records are loaded): positions and version.
    'resume-point': {
      actions: ({ context, event, self }) => {
        const point = { restored: context.resumePending, status: context.status, version: context.version, positions: [...context.positions] };
        sendFrom(self, event.sender ?? '', 'resume-point', point, event.correlationId);
      },
    },
    // The records exactly as restored (asked once, then dropped).
    // Asking for the records loads them: the warm-up starts (if it has not), and the answer waits for its end.
    'resume-records': {
      actions: ['startWarm', ({ context, event, self }) => {
        if (context.warming !== undefined) {
          context.recordAsks.push({ replyTo: event.sender ?? '', correlationId: event.correlationId });
          return;
        }
        sendFrom(self, event.sender ?? '', 'resume-records', context.restoredRecords ?? [], event.correlationId);
        context.restoredRecords = undefined;
      }],
    },
    positions: {
      actions: ({ context, event }) => {
        for (const [source, position] of event.payload as readonly (readonly [string, string])[]) {
          if (position === '') context.positions.delete(source); // the source is gone
          else context.positions.set(source, position);
          context.unsavedPositions.add(source);
        }
      },
    },
    status: [
      { guard: 'inSync', target: '.inSync', actions: ['startWarm', 'announceInSync'] },
      { guard: ({ event }) => event.payload === 'ResyncInProgress', target: '.resyncing', actions: 'noteStatus' },
      { target: '.waitingForDatastore', actions: 'noteStatus' },
    ],
  },
  states: {
    waitingForDatastore: {},
    resyncing: {},
    inSync: {},
  },
});

const RECORD = 'r/';
const POSITION = 'p/';

/** Makes the source durable in `store` (see the header). */
export function sourceDurability(store: StateStore): DurableOptions<SourceContext, SourceInput> {
  return {
    store,
    version: 1,
    restore: (state, input) => {
      const status = state.get('status') as SyncStatus | undefined;
      if (status === undefined) return undefined; // nothing was ever taken in
      const context = emptySource(input);
      for (const [key, position] of state.entries(POSITION)) context.positions.set(key.slice(POSITION.length), position as string);
      context.status = status;
      context.version = (state.get('version') as number | undefined) ?? 0;
      context.stored = state;
      context.resumePending = true;
      const out = new Outbox(outputsFor(input));
      const epoch = input.epochs.started(P.source).epoch;
      out.epoch = epoch;
      return { ...context, out, epoch };
    },
    save: (context, state) => {
      for (const [key, record] of context.unsaved) {
        if (record === null) state.remove(RECORD + key);
        else state.put(RECORD + key, record);
      }
      context.unsaved.clear();
      for (const source of context.unsavedPositions) {
        const position = context.positions.get(source);
        if (position === undefined) state.remove(POSITION + source);
        else state.put(POSITION + source, position);
      }
      context.unsavedPositions.clear();
      if (context.versionUnsaved) state.put('version', context.version);
      context.versionUnsaved = false;
      if (context.statusUnsaved) state.put('status', context.status);
      context.statusUnsaved = false;
    },
  };
}
