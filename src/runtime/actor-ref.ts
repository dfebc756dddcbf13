/**
 * An `ActorRef` is an address, not an object reference: a path plus the system that routes to it. It
 * serializes to `{ path }`, so it can travel inside messages (as a path) and, later, across threads.
 */
import type { Envelope, Message } from './message.js';

/** The messages an actor logic accepts, derived from the envelopes its events are typed as. */
export type MessageOf<TEvent> = TEvent extends { type: infer TType extends string; payload: infer TPayload }
  ? undefined extends TPayload
    ? { readonly type: TType; readonly payload?: TPayload }
    : { readonly type: TType; readonly payload: TPayload }
  : never;

/** Result of `send`: nothing when accepted at once, a promise while a `block` mailbox makes us wait. */
export type SendResult = void | Promise<void>;

export interface RefRouter {
  sendTo(path: string, message: Message, sender: string | undefined, correlationId: string | undefined): SendResult;
}

export class ActorRef<TMessage extends Message = Message> {
  readonly path: string;
  readonly #router: RefRouter;

  constructor(path: string, router: RefRouter) {
    this.path = path;
    this.#router = router;
  }

  /**
   * Sends a message. Throws `MailboxFullError` for a full `fail` mailbox; returns a promise to await
   * while a full `block` mailbox makes the sender wait (backpressure).
   */
  send(message: TMessage): SendResult {
    return this.#router.sendTo(this.path, message, undefined, undefined);
  }

  toJSON(): { path: string } {
    return { path: this.path };
  }

  toString(): string {
    return `ActorRef(${this.path})`;
  }
}

/** A reply as `ask` resolves it: the reply message with its envelope. */
export type Reply<TReply extends Message> = Envelope<TReply>;
