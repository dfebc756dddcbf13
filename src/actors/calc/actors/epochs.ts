/**
 * How the actor wiring recovers from a crashed calculator. A calculator's state is derived: it is a
 * function of everything the source has sent. So when one restarts empty, the graph starts a new
 * epoch instead of trying to patch one node:
 *   1. the restarted actor notices, as it starts, that its path has started before; it opens epoch
 *      e+1 and from then on ignores anything older (its mailbox still holds epoch-e messages);
 *   2. the source is asked to replay: it re-sends its whole snapshot, then the sync status and a
 *      flush, all stamped e+1;
 *   3. every calculator, on its first e+1 message, drops its state and starts again; late epoch-e
 *      messages are dropped everywhere, so nothing half-old reaches the sequencer;
 *   4. the dataplane actor collects the new epoch's output in a shadow state and, at the first e+1
 *      flush, sends the dataplane only the difference from what it already has (output/dataplane-diff).
 * The source and the dataplane actor hold the state that cannot be recomputed (the snapshot, what
 * the dataplane has); their durability is LMDB's (runtime/persistence).
 *
 * The epoch and who has started live in shared memory, so a calculator on a worker thread counts in
 * the same epochs as the rest. A restarted calculator asks for the replay with a message to
 * `/calc/epochs` (below), which forwards it to the source: the calculator itself never waits on the
 * source's mailbox, which may be full of messages for it. The source and the dataplane actor, on main,
 * ask through `onRestart`.
 */
import { setup } from 'xstate';
import { sendTo } from '../../../runtime/message.js';
import type { Envelope, SendCommand } from '../../../runtime/message.js';
import { placeable } from '../../../runtime/threads/logic-registry.js';
import { CALC_PATHS } from './calc-paths.js';
import { MAX_MEMBER_SHARDS, memberShardPath } from './member-shards.js';

const EPOCH_PATHS: readonly string[] = [
  CALC_PATHS.source, CALC_PATHS.arc, CALC_PATHS.scanner, CALC_PATHS.members, CALC_PATHS.resolver, CALC_PATHS.config, CALC_PATHS.sequencer, CALC_PATHS.dataplane,
  ...Array.from({ length: MAX_MEMBER_SHARDS }, (_, index) => memberShardPath(index + 1)),
];

export class CalcEpochs {
  /** `[epoch, started flag per path…]` */
  readonly buffer: SharedArrayBuffer;
  readonly #slots: Int32Array;
  readonly #onRestart: ((path: string, epoch: number) => void) | undefined;

  /** `buffer`: the epochs of a graph created elsewhere (a worker's view of main's). */
  constructor(onRestart?: (path: string, epoch: number) => void, buffer = new SharedArrayBuffer((1 + EPOCH_PATHS.length) * Int32Array.BYTES_PER_ELEMENT)) {
    this.buffer = buffer;
    this.#slots = new Int32Array(buffer);
    this.#onRestart = onRestart;
  }

  get current(): number {
    return Atomics.load(this.#slots, 0);
  }

  /** Called as an actor's state is created. A second start of a path is a restart: a new epoch begins. */
  started(path: string): { readonly epoch: number; readonly restarted: boolean } {
    const index = EPOCH_PATHS.indexOf(path);
    if (index < 0) throw new RangeError(`invariant: ${path} is not a calc actor with an epoch`);
    if (Atomics.compareExchange(this.#slots, index + 1, 0, 1) === 0) return { epoch: Atomics.load(this.#slots, 0), restarted: false };
    const epoch = Atomics.add(this.#slots, 0, 1) + 1;
    this.#onRestart?.(path, epoch);
    return { epoch, restarted: true };
  }
}

/** `/calc/epochs`: a restarted calculator's request for a replay, passed on to the source. */
export const epochCoordinatorLogic = placeable(import.meta.url, 'epochCoordinatorLogic', setup({
  types: { events: {} as Envelope<{ type: 'restarted'; payload: { path: string; epoch: number } }>, emitted: {} as SendCommand },
}).createMachine({
  id: 'calc-epochs',
  on: { restarted: { actions: sendTo(CALC_PATHS.source, ({ event }) => ({ type: 'replay', payload: { epoch: event.payload.epoch } })) } },
}));
