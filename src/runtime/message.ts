/**
 * Messages and envelopes. A message is plain structured-cloneable data `{ type, payload }`, so it can
 * cross a worker boundary or be written to LMDB unchanged. The runtime wraps each message it accepts in
 * an envelope, and the envelope itself is the event the actor's xstate logic receives: `event.type`,
 * `event.payload`, plus `sender`, `correlationId` and `enqueuedAt`.
 *
 * Logic never holds references to other actors. It *emits* commands — `troupe.send` — that the runtime
 * routes after the message has been handled successfully; a message that crashes its actor therefore has
 * no effect downstream, and retrying it cannot duplicate output.
 */
import type { EventObject } from 'xstate';

/** What senders send. `payload` may carry a batch. */
export interface Message<TType extends string = string, TPayload = unknown> {
  readonly type: TType;
  readonly payload?: TPayload;
}

/** What an actor receives: the message plus delivery metadata. */
export interface Envelope<TMessage extends Message = Message> {
  readonly type: TMessage['type'];
  readonly payload: TMessage['payload'];
  /** Path of the sending actor (replies go there), or undefined for sends from outside the runtime. */
  readonly sender: string | undefined;
  /** Set by `ask` and copied into replies. */
  readonly correlationId: string | undefined;
  /** Clock time at which the mailbox accepted the message. */
  readonly enqueuedAt: number;
}

export const SEND_COMMAND = 'troupe.send';

/** Emitted by actor logic to send a message; routed by the runtime once the current message is handled. */
export interface SendCommand {
  readonly type: typeof SEND_COMMAND;
  readonly to: string;
  readonly message: Message;
  readonly correlationId?: string;
}

export function isSendCommand(event: EventObject): event is SendCommand {
  return event.type === SEND_COMMAND;
}

type Resolvable<T, TArgs> = T | ((args: TArgs) => T);

interface ActionArgs<TContext, TEvent> {
  readonly context: TContext;
  readonly event: TEvent;
  readonly self: object;
}

function resolve<T, TArgs>(value: Resolvable<T, TArgs>, args: TArgs): T {
  return typeof value === 'function' ? (value as (args: TArgs) => T)(args) : value;
}

/**
 * Where a running xstate actor's sends go. The hosting cell registers its outbox here when it starts
 * the actor; `sendTo`/`reply` push straight into it. That is a plain function action — measured ~0.5–1 µs
 * cheaper per transition than xstate's built-in `emit` action (resolve, defer, listener fan-out).
 */
const OUTBOX: unique symbol = Symbol('troupe.outbox');
type WithOutbox = { [OUTBOX]?: OutboxSink };

/** @internal The hosting cell's intake for sends; flat arguments, so no command object per send. */
export type OutboxSink = (to: string, type: string, payload: unknown, correlationId: string | undefined) => void;

/** @internal Runtime use only: route sends made by `actor` into `sink`. */
export function bindOutbox(actor: object, sink: OutboxSink): void {
  // A symbol-keyed property rather than a WeakMap: every send reads it, and a monomorphic property
  // load is several times cheaper than a WeakMap lookup (measured in bench/runtime.ts).
  (actor as WithOutbox)[OUTBOX] = sink;
}

/** Outside troupe (logic under plain `createActor`), sends surface as emitted events, like `emit`. */
function deliver(self: object, to: string, type: string, payload: unknown, correlationId: string | undefined): void {
  const sink = (self as WithOutbox)[OUTBOX];
  if (sink !== undefined) {
    sink(to, type, payload, correlationId);
    return;
  }
  const scope = (self as { _actorScope?: { emit?: (event: SendCommand) => void } })._actorScope;
  if (scope?.emit === undefined) throw new Error('sendTo/reply used by an actor that neither troupe nor xstate hosts');
  const message = { type, payload };
  scope.emit(correlationId === undefined ? { type: SEND_COMMAND, to, message } : { type: SEND_COMMAND, to, message, correlationId });
}

/**
 * xstate action: send a message to the actor at `to` (a path). Two forms:
 *   sendTo(to, message)        — `message` is `{ type, payload }` or computes it from `{ context, event }`;
 *   sendTo(to, type, payload)  — `payload` computed from `{ context, event }`, without building an
 *                                intermediate message object (for hot paths).
 * Under plain xstate the send appears as an emitted `troupe.send` event, so machines declare
 * `emitted: {} as SendCommand` in `setup({ types })`.
 */
export function sendTo<TContext, TExpressionEvent>(
  to: Resolvable<string, ActionArgs<TContext, TExpressionEvent>>,
  type: string,
  payload: (args: ActionArgs<TContext, TExpressionEvent>) => unknown,
): (args: ActionArgs<TContext, TExpressionEvent>) => void;
export function sendTo<TContext, TExpressionEvent>(
  to: Resolvable<string, ActionArgs<TContext, TExpressionEvent>>,
  message: Resolvable<Message, ActionArgs<TContext, TExpressionEvent>>,
): (args: ActionArgs<TContext, TExpressionEvent>) => void;
export function sendTo<TContext, TExpressionEvent>(
  to: Resolvable<string, ActionArgs<TContext, TExpressionEvent>>,
  messageOrType: Resolvable<Message, ActionArgs<TContext, TExpressionEvent>> | string,
  payload?: (args: ActionArgs<TContext, TExpressionEvent>) => unknown,
) {
  if (typeof messageOrType === 'string') {
    const computePayload = payload!;
    return (args: ActionArgs<TContext, TExpressionEvent>): void => {
      deliver(args.self, resolve(to, args), messageOrType, computePayload(args), undefined);
    };
  }
  return (args: ActionArgs<TContext, TExpressionEvent>): void => {
    const message = resolve(messageOrType, args);
    deliver(args.self, resolve(to, args), message.type, message.payload, undefined);
  };
}

/** xstate action: reply to the sender of the current envelope (the answer to an `ask`). */
export function reply<TContext, TExpressionEvent extends Envelope>(
  message: Resolvable<Message, ActionArgs<TContext, TExpressionEvent>>,
) {
  return (args: ActionArgs<TContext, TExpressionEvent>): void => {
    const { event } = args;
    const answer = resolve(message, args);
    deliver(args.self, event.sender ?? '', answer.type, answer.payload, event.correlationId);
  };
}

/** For custom logic (`fromTransition`, hand-written `ActorLogic`): emit a send through the actor scope. */
export function emitSend(
  scope: { emit: (event: SendCommand) => void },
  to: string,
  message: Message,
  correlationId?: string,
): void {
  scope.emit(correlationId === undefined ? { type: SEND_COMMAND, to, message } : { type: SEND_COMMAND, to, message, correlationId });
}

/**
 * For actions that send a computed number of messages (a batch per output, a reply per waiter): sends
 * from the actor `self` (the action's `self` argument) as `sendTo` would.
 */
export function sendFrom(self: object, to: string, type: string, payload: unknown, correlationId?: string): void {
  deliver(self, to, type, payload, correlationId);
}
