/**
 * The head of the actor graph (Felix's validation filter and dispatcher behind the syncer callbacks):
 * validates incoming records, keeps the current snapshot (so it can replay it into a new epoch after
 * a calculator restarts, see epochs.ts), routes each update to the calculators that need it, and
 * turns sync status and flush requests into markers.
 *
 * Machine states follow the datastore: waitingForDatastore → resyncing → inSync. With `autoFlush`,
 * every batch of records is followed by a flush, rate-limited by a leaky bucket on the actor's clock.
 */
import { enqueueActions, setup } from 'xstate';
import { sendFrom } from '../../../runtime/message.js';
import type { Envelope } from '../../../runtime/message.js';
import type { FlushReply, Marker } from '../graph/barrier.js';
import { routeUpdate, validateRecords } from '../graph/dispatcher.js';
import type { Stage as Route } from '../graph/dispatcher.js';
import type { SyncStatus } from '../graph/events.js';
import { FlushThrottle } from '../graph/flush-throttle.js';
import { keyString } from '../model/records.js';
import type { ModelUpdate } from '../model/records.js';
import type { InvalidRecord } from '../model/validate.js';
import type { CalcFigures } from './calc-figures.js';
import type { CalcEpochs } from './epochs.js';
import { Outbox } from './stage-actor.js';
import { CALC_PATHS as P } from './stages.js';

export interface SourceInput {
  readonly figures: CalcFigures;
  readonly hostname: string;
  readonly epochs: CalcEpochs;
  readonly onInvalid: (invalid: InvalidRecord) => void;
  readonly autoFlush: boolean;
}

const TARGETS: Record<Route, string> = { arc: P.arc, resolver: P.resolver, members: P.members, config: P.config };
const OUTPUTS = Object.values(TARGETS);
/** Replayed updates go out in batches of this many per calculator. */
const REPLAY_BATCH = 2_000;
/** Flush requests remembered, to answer them after a replay if their marker was dropped. */
const RECENT_REPLIES = 64;

interface SourceContext {
  readonly input: SourceInput;
  readonly snapshot: Map<string, ModelUpdate>;
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
    for (const stage of routeUpdate(update, context.input.hostname)) context.out.push(TARGETS[stage], update);
  }
}

function onRecords(context: SourceContext, records: readonly unknown[]): void {
  const updates = validateRecords(records, context.input.onInvalid);
  for (const update of updates) {
    const key = keyString(update);
    if (update.value === null) context.snapshot.delete(key);
    else context.snapshot.set(key, update);
  }
  context.updates += updates.length;
  for (const update of updates) context.input.figures.countUpdate(update.type);
  route(context, updates);
  context.out.flush();
}

function sendMarker(context: SourceContext, marker: Omit<Marker, 'id'>): void {
  context.nextMarker += 1;
  context.out.marker({ id: context.nextMarker, ...marker });
}

function replay(context: SourceContext, epoch: number): void {
  if (epoch <= context.epoch) return;
  context.epoch = epoch;
  context.out.epoch = epoch;
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
  sendMarker(context, { ...(context.status === 'InSync' ? { status: 'InSync' as const } : {}), flush: true, replies: context.recentReplies });
}

export const sourceLogic = setup({
  types: { context: {} as SourceContext, input: {} as SourceInput, events: {} as Envelope },
  guards: { inSync: ({ event }) => event.payload === 'InSync' },
  actions: {
    noteStatus: ({ context, event }) => {
      context.status = event.payload as SyncStatus;
      context.input.figures.syncStatus = context.status;
    },
    announceInSync: ({ context }) => {
      context.status = 'InSync';
      context.input.figures.syncStatus = 'InSync';
      sendMarker(context, { status: 'InSync', flush: true });
    },
  },
}).createMachine({
  id: 'calc-source',
  context: ({ input, self }) => {
    const out = new Outbox(OUTPUTS);
    out.bind((to, type, payload) => sendFrom(self, to, type, payload));
    const epoch = input.epochs.started(P.source).epoch;
    out.epoch = epoch;
    return { input, snapshot: new Map(), out, epoch, nextMarker: 0, status: 'WaitForDatastore', recentReplies: [], throttle: undefined, flushScheduled: false, updates: 0 };
  },
  initial: 'waitingForDatastore',
  on: {
    records: {
      actions: enqueueActions(({ context, event, enqueue }) => {
        onRecords(context, event.payload as readonly unknown[]);
        if (!context.input.autoFlush || context.flushScheduled) return;
        context.throttle ??= new FlushThrottle(event.enqueuedAt);
        const wait = context.throttle.waitMs(event.enqueuedAt);
        if (wait === 0 && context.throttle.tryTake(event.enqueuedAt)) sendMarker(context, { flush: true });
        else {
          context.flushScheduled = true;
          enqueue.raise({ type: 'auto-flush', payload: undefined, sender: undefined, correlationId: undefined, enqueuedAt: event.enqueuedAt + wait }, { delay: wait });
        }
      }),
    },
    'auto-flush': {
      actions: ({ context, event }) => {
        context.flushScheduled = false;
        context.throttle?.tryTake(event.enqueuedAt);
        sendMarker(context, { flush: true });
      },
    },
    flush: {
      actions: ({ context, event }) => {
        const replies = event.sender === undefined ? [] : [{ replyTo: event.sender, correlationId: event.correlationId }];
        context.recentReplies = [...context.recentReplies, ...replies].slice(-RECENT_REPLIES);
        sendMarker(context, { flush: true, replies });
      },
    },
    replay: { actions: ({ context, event }) => replay(context, (event.payload as { epoch: number }).epoch) },
    status: [
      { guard: 'inSync', target: '.inSync', actions: 'announceInSync' },
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
