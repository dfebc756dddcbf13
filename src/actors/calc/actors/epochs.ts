/**
 * How the actor wiring recovers from a crashed calculator. A calculator's state is derived: it is a
 * function of everything the source has sent. So when one restarts empty, the graph starts a new
 * epoch instead of trying to patch one node:
 *   1. the restarted actor notices, as it starts, that its path has started before; it opens epoch
 *      e+1 and from then on ignores anything older (its mailbox still holds epoch-e messages);
 *   2. the wiring asks the source to replay: the source re-sends its whole snapshot, then the sync
 *      status and a flush, all stamped e+1;
 *   3. every calculator, on its first e+1 message, drops its state and starts again; late epoch-e
 *      messages are dropped everywhere, so nothing half-old reaches the sequencer;
 *   4. the dataplane actor collects the new epoch's output in a shadow state and, at the first e+1
 *      flush, sends the dataplane only the difference from what it already has (output/dataplane-diff).
 * The source and the dataplane actor hold the state that cannot be recomputed (the snapshot, what
 * the dataplane has); their durability is issue 7's (LMDB).
 */
export class CalcEpochs {
  #epoch = 0;
  readonly #started = new Set<string>();
  readonly #onRestart: (path: string, epoch: number) => void;

  constructor(onRestart: (path: string, epoch: number) => void) {
    this.#onRestart = onRestart;
  }

  get current(): number {
    return this.#epoch;
  }

  /** Called as an actor's state is created. A second start of a path is a restart: a new epoch begins. */
  started(path: string): { readonly epoch: number; readonly restarted: boolean } {
    if (!this.#started.has(path)) {
      this.#started.add(path);
      return { epoch: this.#epoch, restarted: false };
    }
    this.#epoch += 1;
    this.#onRestart(path, this.#epoch);
    return { epoch: this.#epoch, restarted: true };
  }
}
