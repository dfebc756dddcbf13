/**
 * The IP set members of several member-calculator shards (actors/member-shards.ts) as one calculator's:
 * each shard reports the members its endpoints give, reference-counted within the shard; here a member
 * is counted once per shard that has it, so the sequencer hears it added on the first shard and removed
 * on the last. Overlap suppression needs the whole set, so it runs here (the shards run without it).
 *
 * Lifecycle: every shard announces each set (it hears every lifecycle event, in the scanner's order);
 * the set is announced on the first announcement and removed after the last shard removed it — by then
 * every shard has withdrawn its members, so the sequencer still hears members only inside a set's life.
 */
import assert from 'node:assert';
import type { Emit, SequencerEvent } from '../graph/events.js';
import { OverlapSuppressor } from './overlap-suppressor.js';

interface MergedSet {
  /** Shards that have announced the set and not yet removed it. */
  announced: number;
  readonly counts: Map<string, number>;
  readonly suppressor: OverlapSuppressor | undefined;
}

export class MemberMerge {
  readonly #emit: Emit<SequencerEvent>;
  readonly #suppressOverlaps: boolean;
  readonly #sets = new Map<string, MergedSet>();

  constructor(emit: Emit<SequencerEvent>, options: { suppressOverlaps?: boolean } = {}) {
    this.#emit = emit;
    this.#suppressOverlaps = options.suppressOverlaps ?? true;
  }

  /** The members the dataplane has for a set (after overlap suppression). */
  members(ipSetId: string): string[] {
    const set = this.#sets.get(ipSetId);
    return [...(set?.suppressor?.visible ?? set?.counts.keys() ?? [])];
  }

  /** One event from a shard: ipset-added, member-added, member-removed or ipset-removed. */
  onShardEvent(event: SequencerEvent): void {
    switch (event.kind) {
      case 'ipset-added': this.#announce(event); return;
      case 'ipset-removed': this.#withdraw(event.id); return;
      case 'member-added': this.#count(event.id, event.member, +1); return;
      case 'member-removed': this.#count(event.id, event.member, -1); return;
      default: assert.fail(`invariant: a member shard sent ${event.kind}`);
    }
  }

  #announce(event: Extract<SequencerEvent, { kind: 'ipset-added' }>): void {
    const existing = this.#sets.get(event.id);
    if (existing !== undefined) {
      existing.announced += 1;
      return;
    }
    const { id } = event;
    const suppressor = this.#suppressOverlaps && event.type === 'NET'
      ? new OverlapSuppressor({ added: (member) => this.#emit({ kind: 'member-added', id, member }), removed: (member) => this.#emit({ kind: 'member-removed', id, member }) })
      : undefined;
    this.#sets.set(id, { announced: 1, counts: new Map(), suppressor });
    this.#emit(event);
  }

  #withdraw(id: string): void {
    const set = this.#sets.get(id);
    assert(set !== undefined, `invariant: IP set ${id} removed by a shard that never announced it`);
    set.announced -= 1;
    if (set.announced > 0) return;
    assert(set.counts.size === 0, `invariant: IP set ${id} removed by its last shard with ${set.counts.size} members left`);
    this.#sets.delete(id);
    this.#emit({ kind: 'ipset-removed', id });
  }

  #count(id: string, member: string, delta: 1 | -1): void {
    const set = this.#sets.get(id);
    // Checked with `if`, not `assert(cond, message)`: this runs per member, and the call would build
    // the message (and node:assert's argument array) every time.
    if (set === undefined) assert.fail(`invariant: a member of IP set ${id}, which no shard announced`);
    const count = (set.counts.get(member) ?? 0) + delta;
    if (count < 0) assert.fail(`invariant: member ${member} of ${id} removed more often than added`);
    if (count > 0) set.counts.set(member, count);
    else set.counts.delete(member);
    if (delta > 0 && count === 1) {
      if (set.suppressor === undefined) this.#emit({ kind: 'member-added', id, member });
      else set.suppressor.add(member);
    } else if (delta < 0 && count === 0) {
      if (set.suppressor === undefined) this.#emit({ kind: 'member-removed', id, member });
      else set.suppressor.remove(member);
    }
  }
}
