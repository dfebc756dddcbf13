/**
 * The member calculator as a pipeline stage (Felix's SelectorAndNamedPortIndex as wired in
 * calc_graph.go): every endpoint and network set, local or remote, is a member source; the rule
 * scanner says which IP sets are needed. The sequencer hears of a set before any of its members and
 * of its removal after its members are gone — both travel on this one channel, so they stay in order.
 */
import type { Emit, IpSetLifecycle, SequencerEvent } from '../graph/events.js';
import { hostAddress } from '../model/cidr.js';
import { keyString } from '../model/records.js';
import type { ModelUpdate } from '../model/records.js';
import { parseSelectorCached } from '../selector/selector.js';
import { MemberCalculator } from './member-calculator.js';
import type { MemberSource } from './member-calculator.js';

function memberSource(update: ModelUpdate): MemberSource | undefined {
  switch (update.type) {
    case 'WorkloadEndpoint': {
      const value = update.value;
      if (value === null) return undefined;
      return { labels: value.labels, parents: value.profileIds, nets: [...value.ipv4Nets, ...value.ipv6Nets].map(hostAddress), ports: value.ports };
    }
    case 'HostEndpoint': {
      const value = update.value;
      if (value === null) return undefined;
      return { labels: value.labels, parents: value.profileIds, nets: [...value.expectedIpv4Addrs, ...value.expectedIpv6Addrs].map(hostAddress), ports: value.ports };
    }
    case 'NetworkSet': {
      const value = update.value;
      if (value === null) return undefined;
      return { labels: value.labels, parents: value.profileIds ?? [], nets: value.nets, ports: [], isNetworkSet: true };
    }
    default:
      return undefined;
  }
}

export class IpSetMemberIndex {
  readonly #emit: Emit<SequencerEvent>;
  readonly #calculator: MemberCalculator;

  constructor(emit: Emit<SequencerEvent>, options: { suppressOverlaps?: boolean } = {}) {
    this.#emit = emit;
    this.#calculator = new MemberCalculator({
      onMemberAdded: (id, member) => emit({ kind: 'member-added', id, member }),
      onMemberRemoved: (id, member) => emit({ kind: 'member-removed', id, member }),
    }, options);
  }

  get calculator(): MemberCalculator {
    return this.#calculator;
  }

  /** Takes every WorkloadEndpoint, HostEndpoint, NetworkSet and ProfileLabels update. */
  onUpdate(update: ModelUpdate): void {
    if (update.type === 'ProfileLabels') {
      this.#calculator.updateParentLabels(update.key.name, update.value?.labelsToApply);
      return;
    }
    if (update.type !== 'WorkloadEndpoint' && update.type !== 'HostEndpoint' && update.type !== 'NetworkSet') return;
    const source = memberSource(update);
    if (source === undefined) this.#calculator.removeSource(keyString(update));
    else this.#calculator.updateSource(keyString(update), source);
  }

  onIpSetEvent(event: IpSetLifecycle): void {
    if (event.kind === 'ipset-active') {
      const { id, selector, namedPort } = event.spec;
      const meta = namedPort === undefined ? { selector } : { selector, namedPort };
      this.#emit({ kind: 'ipset-added', id, type: namedPort === undefined ? 'NET' : 'IP_AND_PORT', meta });
      this.#calculator.addIpSet(id, { selector: parseSelectorCached(selector), ...(namedPort === undefined ? {} : { namedPort }) });
    } else {
      this.#calculator.removeIpSet(event.id);
      this.#emit({ kind: 'ipset-removed', id: event.id });
    }
  }
}
