/**
 * IP set members (Felix's SelectorAndNamedPortIndex): for each active IP set — a selector, optionally
 * narrowed to a named port — which members it has, as reference-counted contributions of the items
 * (endpoints, network sets) its selector matches. Listeners hear a member added on 0→1 and removed on
 * 1→0, so the same IP on two endpoints, or a CIDR listed twice, is one member.
 *
 *   NET set member           the item's CIDRs (`10.0.0.1/32`; a network set's `/0` as two `/1`s)
 *   named-port set member    `ip,proto:port` for each of the item's ports with that name and a matching
 *                            protocol (`any` matches all; the member takes the port's own protocol)
 *
 * An item update adds the new contribution before removing the old, so a member present before and
 * after never flaps. In NET sets, a CIDR covered by a broader member is suppressed (overlap-suppressor.ts),
 * as Felix does by default; `suppressOverlaps: false` turns that off (Felix with nftables disabled).
 */
import type { Selector } from '../selector/selector.js';
import type { NamedPortProtocol } from '../selector/unique-id.js';
import { LabelIndex } from './label-index.js';
import { OverlapSuppressor } from './overlap-suppressor.js';

export interface NamedPortFilter {
  readonly protocol: NamedPortProtocol;
  readonly name: string;
}

export interface IpSetSpec {
  readonly selector: Selector;
  readonly namedPort?: NamedPortFilter;
}

export interface EndpointPort {
  readonly name: string;
  readonly protocol: string;
  readonly port: number;
}

export interface MemberSource {
  readonly labels: Readonly<Record<string, string>>;
  readonly parents: readonly string[];
  /** Normalised CIDRs. */
  readonly nets: readonly string[];
  readonly ports: readonly EndpointPort[];
  /** Network sets may list `/0`, which Felix splits in two `/1`s. */
  readonly isNetworkSet?: boolean;
}

export interface MemberListener {
  onMemberAdded(ipSetId: string, member: string): void;
  onMemberRemoved(ipSetId: string, member: string): void;
}

export function contribution(spec: IpSetSpec, source: MemberSource): readonly string[] {
  if (spec.namedPort === undefined) {
    // An endpoint's own list, not a copy: this runs for every (set, endpoint) match.
    return source.isNetworkSet === true ? source.nets.flatMap(splitDefaultRoute) : source.nets;
  }
  const { protocol, name } = spec.namedPort;
  const members: string[] = [];
  for (const port of source.ports) {
    const portProtocol = port.protocol.toLowerCase();
    if (port.name !== name || (protocol !== 'any' && portProtocol !== protocol)) continue;
    for (const net of source.nets) members.push(`${net.slice(0, net.indexOf('/'))},${portProtocol}:${port.port}`);
  }
  return members;
}

function splitDefaultRoute(net: string): string[] {
  if (net === '0.0.0.0/0') return ['0.0.0.0/1', '128.0.0.0/1'];
  if (net === '::/0') return ['::/1', '8000::/1'];
  return [net];
}

const NO_MATCHES: readonly string[] = [];

export class MemberCalculator {
  readonly #listener: MemberListener;
  readonly #index: LabelIndex<string, string>;
  readonly #ipSets = new Map<string, IpSetSpec>();
  readonly #sources = new Map<string, MemberSource>();
  readonly #refCounts = new Map<string, Map<string, number>>();
  readonly #suppressors = new Map<string, OverlapSuppressor>();
  readonly #suppressOverlaps: boolean;
  /** While an item is being updated, match changes are applied by the update itself. */
  #updating: string | undefined;

  constructor(listener: MemberListener, options: { suppressOverlaps?: boolean } = {}) {
    this.#listener = listener;
    this.#suppressOverlaps = options.suppressOverlaps ?? true;
    this.#index = new LabelIndex<string, string>({
      onMatchStarted: (ipSetId, itemId) => { if (itemId !== this.#updating) this.#apply(ipSetId, this.#sources.get(itemId)!, +1); },
      onMatchStopped: (ipSetId, itemId) => { if (itemId !== this.#updating) this.#apply(ipSetId, this.#sources.get(itemId)!, -1); },
    });
  }

  get selectorEvaluations(): number {
    return this.#index.evaluations;
  }

  /** The members the dataplane has for a set (after overlap suppression). */
  members(ipSetId: string): string[] {
    const suppressor = this.#suppressors.get(ipSetId);
    return [...(suppressor?.visible ?? this.#refCounts.get(ipSetId)?.keys() ?? [])];
  }

  hasIpSet(id: string): boolean {
    return this.#ipSets.has(id);
  }

  /** An IP set became active (the rule scanner needs it). Its current members are announced. */
  addIpSet(id: string, spec: IpSetSpec): void {
    if (this.#ipSets.has(id)) return; // content-addressed: same id, same spec
    this.#ipSets.set(id, spec);
    this.#refCounts.set(id, new Map());
    if (this.#suppressOverlaps && spec.namedPort === undefined) {
      this.#suppressors.set(id, new OverlapSuppressor({
        added: (member) => this.#listener.onMemberAdded(id, member),
        removed: (member) => this.#listener.onMemberRemoved(id, member),
      }));
    }
    this.#index.updateSelector(id, spec.selector);
  }

  /** An IP set became inactive: its members are withdrawn, then it is forgotten. */
  removeIpSet(id: string): void {
    if (!this.#ipSets.has(id)) return;
    this.#index.deleteSelector(id);
    this.#ipSets.delete(id);
    this.#refCounts.delete(id);
    this.#suppressors.delete(id);
  }

  updateSource(id: string, source: MemberSource): void {
    const old = this.#sources.get(id);
    const oldMatches = old === undefined ? NO_MATCHES : [...this.#index.matchesOf(id)];
    this.#sources.set(id, source);
    this.#updating = id;
    try {
      this.#index.updateItem(id, source.labels, source.parents);
    } finally {
      this.#updating = undefined;
    }
    // New contribution first, then the old one goes: unchanged members never drop to zero.
    for (const ipSetId of this.#index.matchesOf(id)) this.#apply(ipSetId, source, +1);
    if (old !== undefined) for (const ipSetId of oldMatches) this.#apply(ipSetId, old, -1);
  }

  removeSource(id: string): void {
    if (!this.#sources.has(id)) return;
    this.#index.deleteItem(id);
    this.#sources.delete(id);
  }

  updateParentLabels(parentId: string, labels: Readonly<Record<string, string>> | undefined): void {
    this.#index.updateParentLabels(parentId, labels);
  }

  #apply(ipSetId: string, source: MemberSource, delta: 1 | -1): void {
    const spec = this.#ipSets.get(ipSetId);
    const counts = this.#refCounts.get(ipSetId);
    if (spec === undefined || counts === undefined) return;
    const suppressor = this.#suppressors.get(ipSetId);
    for (const member of contribution(spec, source)) {
      const count = (counts.get(member) ?? 0) + delta;
      if (count > 0) counts.set(member, count);
      else counts.delete(member);
      if (delta > 0 && count === 1) {
        if (suppressor === undefined) this.#listener.onMemberAdded(ipSetId, member);
        else suppressor.add(member);
      }
      if (delta < 0 && count === 0) {
        if (suppressor === undefined) this.#listener.onMemberRemoved(ipSetId, member);
        else suppressor.remove(member);
      }
    }
  }
}
