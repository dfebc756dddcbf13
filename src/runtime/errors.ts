/**
 * Operating errors: expected failures with stable codes and a message that names the bad input.
 * Broken invariants are not here; they are `node:assert` failures that crash the actor.
 */

export class TroupeError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export class MailboxFullError extends TroupeError {
  constructor(readonly path: string, readonly capacity: number) {
    super('TROUPE_ERR_MAILBOX_FULL', `mailbox of ${path} is full (capacity ${capacity}, policy fail)`);
  }
}

export class AskTimeoutError extends TroupeError {
  constructor(readonly path: string, readonly messageType: string, readonly timeoutMs: number) {
    super('TROUPE_ERR_ASK_TIMEOUT', `ask ${path} (${messageType}) got no reply within ${timeoutMs} ms`);
  }
}

export class ActorNotFoundError extends TroupeError {
  constructor(readonly path: string) {
    super('TROUPE_ERR_NO_SUCH_ACTOR', `no actor at ${path}`);
  }
}

export class InvalidPathError extends TroupeError {
  constructor(readonly path: string, reason: string) {
    super('TROUPE_ERR_INVALID_PATH', `invalid actor path ${JSON.stringify(path)}: ${reason}`);
  }
}

export class DuplicatePathError extends TroupeError {
  constructor(readonly path: string) {
    super('TROUPE_ERR_DUPLICATE_PATH', `an actor already lives at ${path}`);
  }
}

/** A message for an actor that takes JSON from other threads (`wire: 'json'`) that JSON cannot carry. */
export class WireFormatError extends TroupeError {
  constructor(path: string, messageType: string, reason: string) {
    super('TROUPE_ERR_WIRE_FORMAT', `message ${messageType} to ${path} cannot cross threads as JSON (its wire format): ${reason}`);
  }
}

export class ActorStoppedError extends TroupeError {
  constructor(readonly path: string) {
    super('TROUPE_ERR_ACTOR_STOPPED', `actor ${path} is stopped`);
  }
}

/** Thrown into an actor by fault injection (`faults.crashNext`, `faults.crashAlways`). */
export class InjectedFaultError extends TroupeError {
  constructor(readonly path: string) {
    super('TROUPE_ERR_INJECTED_FAULT', `injected fault: ${path} crashes on this message`);
  }
}

/** A supervisor restarted its children more often than its intensity allows and gave up. */
export class RestartIntensityError extends TroupeError {
  constructor(
    readonly supervisor: string,
    readonly failedActor: string,
    readonly failedReason: string,
    readonly restarts: number,
    readonly withinMs: number,
  ) {
    super(
      'TROUPE_ERR_RESTART_INTENSITY',
      `supervisor ${supervisor} gave up after ${restarts} restarts in ${withinMs} ms; ` +
        `actor ${failedActor} failed: ${failedReason}`,
    );
  }
}

/** A serializable summary of any thrown value, safe to keep in stats, events and dead letters. */
export interface ErrorSummary {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
}

export function summarizeError(error: unknown): ErrorSummary {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string'
      ? { name: error.name, message: error.message, code }
      : { name: error.name, message: error.message };
  }
  return { name: 'NonError', message: String(error) };
}
