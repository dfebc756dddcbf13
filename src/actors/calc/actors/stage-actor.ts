/**
 * One calculator as an actor: an xstate machine around a `Stage` (a pure calculator with its inputs
 * and outputs named), handling batches of items and aligned markers, stamped with epochs.
 *
 *   data / marker ──▶ [epoch check] ──▶ BarrierAligner ──▶ stage.onData / stage.onMarker ──▶ Outbox
 *   machine states:  flowing ⇄ aligning (a marker is in from some inputs; later input waits)
 *
 * Output leaves in order: the items a stage emitted before a marker go out as one batch per output,
 * then the marker to every output, then what came after. Sends are routed by the runtime only after
 * the message is handled, so a crash mid-batch sends nothing. The calculator is mutable state owned
 * by this actor alone (actions mutate it in place: copying a label index per message is not an option).
 */
import { setup } from 'xstate';
import { sendFrom } from '../../../runtime/message.js';
import type { Envelope } from '../../../runtime/message.js';
import { placeable } from '../../../runtime/threads/logic-registry.js';
import { BarrierAligner } from '../graph/barrier.js';
import type { ChannelMessage, Marker } from '../graph/barrier.js';
import { CalcFigures } from './calc-figures.js';
import { CalcEpochs } from './epochs.js';
import { CALC_PATHS, stageDefinition } from './stages.js';
import type { StageName, StageOptions } from './stages.js';

/** What travels on an edge of the graph. */
export interface DataPayload<T = unknown> { readonly epoch: number; readonly items: readonly T[] }
export interface MarkerPayload { readonly epoch: number; readonly marker: Marker }

export interface Stage {
  onData(from: string, items: readonly unknown[]): void;
  /** Called once every input is past `marker`, before it is forwarded. */
  onMarker(marker: Marker): void;
  /** Writes this stage's figures for the metrics endpoint (after each message). */
  report?(figures: CalcFigures): void;
}

/** Collects a stage's output per target; `send` routes it. */
export class Outbox {
  readonly #batches = new Map<string, unknown[]>();
  readonly #outputs: readonly string[];
  #send: (to: string, type: string, payload: unknown) => void = () => undefined;
  epoch = 0;

  constructor(outputs: readonly string[]) {
    this.#outputs = outputs;
    for (const output of outputs) this.#batches.set(output, []);
  }

  bind(send: (to: string, type: string, payload: unknown) => void): void {
    this.#send = send;
  }

  push(to: string, item: unknown): void {
    const batch = this.#batches.get(to);
    if (batch === undefined) throw new Error(`invariant: ${to} is not an output (${this.#outputs.join(', ')})`);
    batch.push(item);
  }

  /** Sends the pending batches, then the marker on every output. */
  marker(marker: Marker): void {
    this.flush();
    for (const output of this.#outputs) this.#send(output, 'marker', { epoch: this.epoch, marker } satisfies MarkerPayload);
  }

  flush(): void {
    for (const [output, items] of this.#batches) {
      if (items.length === 0) continue;
      this.#batches.set(output, []);
      this.#send(output, 'data', { epoch: this.epoch, items } satisfies DataPayload);
    }
  }
}

export interface StageDefinition {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  create(out: Outbox): Stage;
}

/** Plain data (the stage by name, shared memory for epochs and figures): it may cross to a worker thread. */
export interface StageInput {
  readonly path: string;
  readonly stage: StageName;
  readonly options: StageOptions;
  readonly epochs: SharedArrayBuffer;
  readonly figures: SharedArrayBuffer;
}

interface StageContext {
  readonly input: StageInput;
  readonly definition: StageDefinition;
  readonly figures: CalcFigures;
  /** This start is a restart: the graph has moved to a new epoch, and the source must replay into it. */
  readonly restarted: boolean;
  epoch: number;
  out: Outbox;
  stage: Stage;
  aligner: BarrierAligner<unknown>;
  /** Messages from older epochs, dropped. */
  stale: number;
  resets: number;
}

function fresh(context: Pick<StageContext, 'definition'>, epoch: number, self: object): Pick<StageContext, 'out' | 'stage' | 'aligner' | 'epoch'> {
  const { definition } = context;
  const out = new Outbox(definition.outputs);
  out.epoch = epoch;
  out.bind((to, type, payload) => sendFrom(self, to, type, payload));
  return { epoch, out, stage: definition.create(out), aligner: new BarrierAligner(definition.inputs) };
}

function handle(context: StageContext, event: Envelope, self: object): void {
  const payload = event.payload as DataPayload | MarkerPayload;
  if (payload.epoch < context.epoch) {
    context.stale += 1;
    return;
  }
  if (payload.epoch > context.epoch) {
    Object.assign(context, fresh(context, payload.epoch, self));
    context.resets += 1;
  }
  const message: ChannelMessage<unknown> = 'items' in payload ? { kind: 'data', items: payload.items } : { kind: 'marker', marker: payload.marker };
  const { stage, out } = context;
  context.aligner.offer(event.sender ?? '', message, {
    data: (from, items) => stage.onData(from, items),
    marker: (marker) => {
      stage.onMarker(marker);
      out.marker(marker);
    },
  });
  out.flush();
  stage.report?.(context.figures);
}

export const stageLogic = placeable(import.meta.url, 'stageLogic', setup({
  types: { context: {} as StageContext, input: {} as StageInput, events: {} as Envelope },
  guards: { aligning: ({ context }) => context.aligner.aligning },
}).createMachine({
  id: 'calc-stage',
  context: ({ input, self }) => {
    const { epoch, restarted } = new CalcEpochs(undefined, input.epochs).started(input.path);
    const definition = stageDefinition(input.stage, input.options, input.path);
    return { input, definition, figures: new CalcFigures(input.figures), restarted, stale: 0, resets: 0, ...fresh({ definition }, epoch, self) };
  },
  entry: ({ context, self }) => {
    if (context.restarted) sendFrom(self, CALC_PATHS.epochs, 'restarted', { path: context.input.path, epoch: context.epoch });
  },
  initial: 'flowing',
  on: {
    data: { actions: ({ context, event, self }) => handle(context, event, self) },
    marker: { actions: ({ context, event, self }) => handle(context, event, self) },
  },
  states: {
    flowing: { always: { guard: 'aligning', target: 'aligning' } },
    aligning: { always: { guard: ({ context }) => !context.aligner.aligning, target: 'flowing' } },
  },
}));
