/**
 * What an actor's current step sent, routed once the step has succeeded (a message that crashes its
 * actor has no effect downstream). Direct sends (`sendTo`, `reply`) go in as (to, type, payload,
 * correlationId); emitted events that are not direct sends (supervisor commands, `emit`ted
 * `troupe.send`s) as (EMITTED, event, undefined, undefined).
 *
 * Double-buffered: a flush walks one buffer while the logic writes the other, because a supervisor
 * command carried out during the flush may restart the cell, whose new actor sends at once.
 */
import type { EventObject } from 'xstate';
import type { ActorCell } from './actor-cell.js';
import type { CellHost } from './cell-host.js';
import { CommandBuffer } from './command-buffer.js';
import { isSendCommand } from './message.js';
import { SUPERVISOR_COMMAND_PREFIX } from './supervision/supervisor-logic.js';
import type { SupervisorCommand } from './supervision/supervisor-logic.js';

const EMITTED = Symbol('emitted');

export class Outbox {
  #current = new CommandBuffer();
  #spare = new CommandBuffer();

  /** Slots written by the current step (zero: it sent nothing). */
  get length(): number {
    return this.#current.length;
  }

  send(to: string, type: string, payload: unknown, correlationId: string | undefined): void {
    this.#current.push(to, type, payload, correlationId);
  }

  emitted(event: EventObject): void {
    this.#current.push(EMITTED, event, undefined, undefined);
  }

  /** Forgets what the step sent (it crashed, or a new step begins). */
  clear(): void {
    this.#current.clear();
  }

  /**
   * Routes what the step sent from `cell` through `host`, and carries out supervisor commands. Returns
   * the error of a send that a full `fail` mailbox refused, if any (the sender crashes with it).
   */
  flush(cell: ActorCell, host: CellHost): Error | undefined {
    const commands = this.#current;
    this.#current = this.#spare;
    this.#spare = commands;
    let sendError: Error | undefined;
    for (let index = 0; index < commands.length; index += 4) {
      const to = commands.slot(index);
      if (to !== EMITTED) {
        sendError = host.route(cell, to as string, commands.slot(index + 1) as string, commands.slot(index + 2), commands.slot(index + 3) as string | undefined) ?? sendError;
        continue;
      }
      const event = commands.slot(index + 1) as EventObject;
      if (isSendCommand(event)) sendError = host.route(cell, event.to, event.message.type, event.message.payload, event.correlationId) ?? sendError;
      else if (event.type.startsWith(SUPERVISOR_COMMAND_PREFIX)) host.executeSupervisorCommand(cell, event as SupervisorCommand);
    }
    commands.clear();
    return sendError;
  }
}
