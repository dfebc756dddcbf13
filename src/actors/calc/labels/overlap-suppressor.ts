/**
 * Felix's member deduplicator (named_port_index.go `memberDeduplicator`), on by default: within one
 * NET IP set only the broadest of nested CIDRs is a member the dataplane sees. Adding a broader CIDR
 * withdraws the narrower ones it covers; removing it re-advertises those no other ancestor covers.
 *
 * Input is the reference-counted membership (each CIDR arrives once on 0→1 and leaves once on 1→0);
 * output is the visible membership. Ancestors are found by probing each shorter prefix that occurs
 * in the set; descendants by scanning members with longer prefixes (rare: only broad CIDRs pay it).
 */
import { cidrBits, networkKey } from '../model/cidr.js';
import type { CidrBits } from '../model/cidr.js';

export interface VisibleMembers {
  added(member: string): void;
  removed(member: string): void;
}

export class OverlapSuppressor {
  readonly #present = new Map<string, CidrBits>(); // member text → bits
  readonly #byNetwork = new Set<string>(); // networkKey at own prefix
  readonly #prefixCounts = new Map<number, number>(); // version * 256 + prefix → members with that prefix

  /** What the dataplane sees. */
  readonly visible = new Set<string>();

  constructor(readonly output: VisibleMembers) {}

  #show(member: string): void {
    this.visible.add(member);
    this.output.added(member);
  }

  #hide(member: string): void {
    this.visible.delete(member);
    this.output.removed(member);
  }

  add(member: string): void {
    const bits = cidrBits(member);
    const covered = this.#coveredByOther(bits);
    this.#present.set(member, bits);
    this.#byNetwork.add(networkKey(bits, bits.prefix));
    const prefixKey = bits.version * 256 + bits.prefix;
    this.#prefixCounts.set(prefixKey, (this.#prefixCounts.get(prefixKey) ?? 0) + 1);
    if (covered) return;
    this.#show(member);
    // Narrower members that were visible only because nothing covered them are now hidden.
    for (const [other, otherBits] of this.#descendants(bits)) if (!this.#coveredByOther(otherBits, bits)) this.#hide(other);
  }

  remove(member: string): void {
    const bits = this.#present.get(member);
    if (bits === undefined) return;
    this.#present.delete(member);
    this.#byNetwork.delete(networkKey(bits, bits.prefix));
    const prefixKey = bits.version * 256 + bits.prefix;
    const count = (this.#prefixCounts.get(prefixKey) ?? 1) - 1;
    if (count === 0) this.#prefixCounts.delete(prefixKey);
    else this.#prefixCounts.set(prefixKey, count);
    if (this.#coveredByOther(bits)) return;
    // Re-advertise the now-uncovered descendants before the broad member goes, so coverage never gaps.
    for (const [other, otherBits] of this.#descendants(bits)) if (!this.#coveredByOther(otherBits)) this.#show(other);
    this.#hide(member);
  }

  /** Is some other present member a strict ancestor of `bits` (ignoring `except`)? */
  #coveredByOther(bits: CidrBits, except?: CidrBits): boolean {
    for (let prefix = 0; prefix < bits.prefix; prefix += 1) {
      if (!this.#prefixCounts.has(bits.version * 256 + prefix)) continue;
      if (except !== undefined && except.prefix === prefix) continue;
      if (this.#byNetwork.has(networkKey(bits, prefix))) return true;
    }
    return false;
  }

  #hasLongerThan(bits: CidrBits): boolean {
    for (const key of this.#prefixCounts.keys()) if (key >> 8 === bits.version && (key & 255) > bits.prefix) return true;
    return false;
  }

  *#descendants(bits: CidrBits): Iterable<[string, CidrBits]> {
    if (!this.#hasLongerThan(bits)) return;
    const ancestorKey = networkKey(bits, bits.prefix);
    for (const [member, other] of this.#present) {
      if (other.version === bits.version && other.prefix > bits.prefix && networkKey(other, bits.prefix) === ancestorKey) yield [member, other];
    }
  }
}
