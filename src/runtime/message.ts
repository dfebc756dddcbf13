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
import { emit } from 'xstate';
import type { EventObject, MachineContext } from 'xstate';

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
}

function resolve<T, TArgs>(value: Resolvable<T, TArgs>, args: TArgs): T {
  return typeof value === 'function' ? (value as (args: TArgs) => T)(args) : value;
}

/**
 * xstate action: send `message` to the actor at `to` (a path). Both may be computed from
 * `{ context, event }`. Machines that use it declare `emitted: {} as SendCommand` in `setup({ types })`.
 */
export function sendTo<
  TContext extends MachineContext,
  TExpressionEvent extends EventObject,
  TEvent extends EventObject = TExpressionEvent,
>(
  to: Resolvable<string, ActionArgs<TContext, TExpressionEvent>>,
  message: Resolvable<Message, ActionArgs<TContext, TExpressionEvent>>,
) {
  return emit<TContext, TExpressionEvent, undefined, TEvent, SendCommand>(({ context, event }) => ({
    type: SEND_COMMAND,
    to: resolve(to, { context, event }),
    message: resolve(message, { context, event }),
  }));
}

/** xstate action: reply to the sender of the current envelope (the answer to an `ask`). */
export function reply<
  TContext extends MachineContext,
  TExpressionEvent extends Envelope,
  TEvent extends EventObject = TExpressionEvent,
>(message: Resolvable<Message, ActionArgs<TContext, TExpressionEvent>>) {
  return emit<TContext, TExpressionEvent, undefined, TEvent, SendCommand>(({ context, event }) => ({
    type: SEND_COMMAND,
    to: event.sender ?? '',
    message: resolve(message, { context, event }),
    correlationId: event.correlationId,
  }));
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
