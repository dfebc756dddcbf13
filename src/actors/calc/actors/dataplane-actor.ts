/**
 * The tail of the actor graph: owns the DataplaneConnection (sequence numbers, ConfigUpdate first)
 * and a mirror of what the dataplane has been sent. In a new epoch (a calculator restarted, see
 * epochs.ts) the sequencer starts over with a complete snapshot; this actor applies it to a shadow
 * state instead of sending it, and at the epoch's first flush sends the dataplane only the
 * difference — so a driver never sees a set created twice, a gap or a repeat.
 *
 * Machine states: passing (live) ⇄ resyncing (collecting a new epoch in the shadow).
 * Replies to flush requests once the flush has reached the dataplane.
 *
 * Durable (`dataplaneDurability`): the mirror (incrementally, output/mirror-journal.ts), the next
 * sequence number and the output's position. Restored — after a crash of this actor or of the whole
 * process — it asks the output what it already has beyond the stored position (a file's tail), and
 * waits in `resyncing` for the recomputed state up to an InSync flush before sending the difference:
 * the dataplane gets exactly what makes it right, numbered on from where it stopped. A new consumer
 * (a driver process started anew) gets a complete stream from 0 instead.
 */
import { setup } from 'xstate';
import { sendFrom } from '../../../runtime/message.js';
import type { Envelope } from '../../../runtime/message.js';
import type { Marker } from '../graph/barrier.js';
import { DataplaneConnection, TeeSink } from '../output/dataplane-connection.js';
import type { DataplaneSink } from '../output/dataplane-connection.js';
import { diffDataplane } from '../output/dataplane-diff.js';
import type { DataplaneMessage } from '../output/dataplane-diff.js';
import { DataplaneState } from '../output/dataplane-state.js';
import { MirrorJournal } from '../output/mirror-journal.js';
import type { ActorStateView, DurableOptions } from '../../../runtime/persistence/durable.js';
import type { StateStore } from '../../../runtime/persistence/state-store.js';
import type { CalcEpochs } from './epochs.js';
import type { DataPayload, MarkerPayload } from './stage-actor.js';
import { CALC_PATHS as P } from './stages.js';

export interface DataplaneInput {
  readonly sink: DataplaneSink;
  readonly startupConfig: Readonly<Record<string, string>>;
  readonly epochs: CalcEpochs;
}

/** Correlation ids of flushes already answered (a replay may repeat one). */
const ANSWERED_LIMIT = 1_024;

interface DataplaneContext {
  readonly input: DataplaneInput;
  readonly mirror: MirrorJournal;
  readonly connection: DataplaneConnection;
  epoch: number;
  shadow: DataplaneState | undefined;
  /** Restored: the shadow is complete only once it has InSync (before that the resolver sends no endpoints). */
  awaitInSync: boolean;
  /** The source's version (batches taken in) at the last flush this output got: the stored mirror reflects it. */
  reflects: number;
  /** Restored from stored state or from what the output held. */
  restored: boolean;
  answered: Set<string>;
  resyncs: number;
}

function newShadow(mirror: MirrorJournal, startupConfig: Readonly<Record<string, string>>): DataplaneState {
  const shadow = new DataplaneState();
  shadow.apply({ configUpdate: { config: mirror.state.config ?? startupConfig } });
  return shadow;
}

function enterEpoch(context: DataplaneContext, epoch: number): void {
  context.epoch = epoch;
  context.shadow = newShadow(context.mirror, context.input.startupConfig);
}

function onData(context: DataplaneContext, payload: DataPayload<DataplaneMessage>): void {
  if (payload.epoch < context.epoch) return;
  if (payload.epoch > context.epoch) enterEpoch(context, payload.epoch);
  const { shadow, connection } = context;
  for (const { payload: message, meta } of payload.items) {
    if (shadow === undefined) connection.send(message, meta);
    else shadow.apply(message, meta);
  }
}

function finishResync(context: DataplaneContext, shadow: DataplaneState): void {
  context.shadow = undefined;
  context.resyncs += 1;
  for (const { payload, meta } of diffDataplane(context.mirror.state, shadow)) context.connection.send(payload, meta);
  if (shadow.inSyncCount > 0 && !context.connection.inSync) context.connection.send({ inSync: {} });
}

function onMarker(context: DataplaneContext, payload: MarkerPayload, self: object): void {
  if (payload.epoch < context.epoch) return;
  if (payload.epoch > context.epoch) enterEpoch(context, payload.epoch);
  const shadow = context.shadow;
  if (shadow !== undefined && payload.marker.flush && (!context.awaitInSync || shadow.inSyncCount > 0)) {
    context.awaitInSync = false;
    finishResync(context, shadow);
  }
  if (context.shadow !== undefined) return;
  if (payload.marker.flush && payload.marker.version !== undefined) context.reflects = payload.marker.version;
  answer(context, payload.marker, self);
}

function answer(context: DataplaneContext, marker: Marker, self: object): void {
  for (const { replyTo, correlationId } of marker.replies ?? []) {
    const key = `${replyTo}#${correlationId ?? ''}`;
    if (context.answered.has(key)) continue;
    if (context.answered.size >= ANSWERED_LIMIT) context.answered.clear();
    context.answered.add(key);
    sendFrom(self, replyTo, 'flushed', { sent: context.connection.sent, inSync: context.connection.inSync }, correlationId);
  }
}

function freshDataplane(input: DataplaneInput): DataplaneContext {
  const mirror = new MirrorJournal();
  return {
    input,
    mirror,
    connection: new DataplaneConnection(new TeeSink([mirror, input.sink]), input.startupConfig),
    epoch: input.epochs.started(P.dataplane).epoch,
    shadow: undefined,
    awaitInSync: false,
    reflects: -1,
    restored: false,
    answered: new Set(),
    resyncs: 0,
  };
}

export const dataplaneLogic = setup({
  types: { context: {} as DataplaneContext, input: {} as DataplaneInput, events: {} as Envelope },
  guards: { resyncing: ({ context }) => context.shadow !== undefined },
}).createMachine({
  id: 'calc-dataplane',
  // Nothing stored: an output that already holds a stream (a file from an earlier run) still continues it.
  context: ({ input }) => resumeOutput(input, undefined, undefined) ?? freshDataplane(input),
  initial: 'passing',
  on: {
    data: { actions: ({ context, event }) => onData(context, event.payload as DataPayload<DataplaneMessage>) },
    marker: { actions: ({ context, event, self }) => onMarker(context, event.payload as MarkerPayload, self) },
    view: { actions: ({ context, event, self }) => sendFrom(self, event.sender ?? '', 'view', context.mirror.state.view(), event.correlationId) },
    // After a restart: what the output holds, and which of the source's versions it reflects.
    'resume-point': {
      actions: ({ context, event, self }) => {
        const point = { restored: context.restored, inSync: context.connection.inSync, reflects: context.reflects, sent: context.connection.sent };
        sendFrom(self, event.sender ?? '', 'resume-point', point, event.correlationId);
      },
    },
  },
  states: {
    passing: { always: { guard: 'resyncing', target: 'resyncing' } },
    resyncing: { always: { guard: ({ context }) => context.shadow === undefined, target: 'passing' } },
  },
});

interface StoredConnection { readonly next: number; readonly inSync: boolean; readonly position: unknown; readonly reflects?: number }

/**
 * The context after a restart, from what was stored (if anything) and what the output says it already
 * has; undefined for a fresh start (nothing anywhere, or a new consumer that needs a stream from 0).
 */
function resumeOutput(input: DataplaneInput, stored: StoredConnection | undefined, state: ActorStateView | undefined): DataplaneContext | undefined {
  const resume = input.sink.resume === undefined ? (stored === undefined ? undefined : { keep: true, messages: [] }) : input.sink.resume(stored?.position);
  if (resume === undefined) return undefined;
  if (stored === undefined && resume.messages.length === 0) return undefined;
  const keep = resume.keep && stored !== undefined && state !== undefined;
  const mirror = keep ? MirrorJournal.restore(state) : new MirrorJournal();
  if (!keep) mirror.touchAll();
  for (const message of resume.messages) mirror.write(message);
  const connection = new DataplaneConnection(new TeeSink([mirror, input.sink]), input.startupConfig, { next: mirror.state.messages, inSync: mirror.state.inSyncCount > 0 });
  return {
    input,
    mirror,
    connection,
    epoch: input.epochs.started(P.dataplane).epoch,
    shadow: newShadow(mirror, input.startupConfig),
    awaitInSync: true,
    // What the mirror reflects is known only when it is exactly the stored one.
    reflects: keep && resume.messages.length === 0 ? stored.reflects ?? -1 : -1,
    restored: true,
    answered: new Set(),
    resyncs: 0,
  };
}

/** Makes the dataplane actor durable in `store` (see the header). */
export function dataplaneDurability(store: StateStore): DurableOptions<DataplaneContext, DataplaneInput> {
  return {
    store,
    version: 1,
    restore: (state, input) => resumeOutput(input, state.get('connection') as StoredConnection | undefined, state),
    save: (context, state) => {
      context.mirror.save(state);
      const { connection } = context;
      state.put('connection', { next: connection.sent, inSync: connection.inSync, position: context.input.sink.position?.(), reflects: context.reflects } satisfies StoredConnection);
    },
  };
}
