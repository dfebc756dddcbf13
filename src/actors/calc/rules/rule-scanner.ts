/**
 * Felix's RuleScanner (rule_scanner.go): active policies and profiles → the rules the dataplane gets,
 * plus which IP sets are in use. IP sets are reference-counted by the policies and profiles that use
 * them: the first user activates a set, the last one to go deactivates it. On an update, sets newly
 * used are activated before the rules are sent and sets no longer used are deactivated after, so a
 * set shared by the old and new rules never flaps.
 */
import type { Emit, IpSetLifecycle, RulesEvent, SequencerEvent } from '../graph/events.js';
import { policyName } from '../model/records.js';
import type { IpSetData } from './parsed-rule.js';
import { parsePolicy, parseProfile, protoPolicyId } from './policy-rules.js';

export interface RuleScannerOutputs {
  readonly ipSets: Emit<IpSetLifecycle>;
  readonly sequencer: Emit<SequencerEvent>;
}

export class RuleScanner {
  readonly #out: RuleScannerOutputs;
  /** Rules owner (`policy:<name>` / `profile:<name>`) → IDs of the IP sets it uses. */
  readonly #setsByOwner = new Map<string, ReadonlySet<string>>();
  readonly #usersBySet = new Map<string, number>();

  constructor(outputs: RuleScannerOutputs) {
    this.#out = outputs;
  }

  get activeIpSetCount(): number {
    return this.#usersBySet.size;
  }

  onRulesEvent(event: RulesEvent): void {
    switch (event.kind) {
      case 'policy-active': {
        const parsed = parsePolicy(event.key, event.value);
        const owner = `policy:${policyName(event.key)}`;
        const removed = this.#activate(owner, parsed.ipSets);
        this.#out.sequencer({ kind: 'policy', id: protoPolicyId(event.key), policy: parsed.rules });
        this.#deactivate(removed);
        return;
      }
      case 'policy-inactive':
        this.#out.sequencer({ kind: 'policy', id: protoPolicyId(event.key), policy: null });
        this.#deactivate(this.#release(`policy:${policyName(event.key)}`));
        return;
      case 'profile-active': {
        const parsed = parseProfile(event.name, event.rules ?? undefined);
        const removed = this.#activate(`profile:${event.name}`, parsed.ipSets);
        this.#out.sequencer({ kind: 'profile', name: event.name, profile: parsed.rules });
        this.#deactivate(removed);
        return;
      }
      case 'profile-inactive':
        this.#out.sequencer({ kind: 'profile', name: event.name, profile: null });
        this.#deactivate(this.#release(`profile:${event.name}`));
    }
  }

  /** Records the owner's new sets, activating first-used ones; returns the sets it stopped using. */
  #activate(owner: string, sets: ReadonlyMap<string, IpSetData>): string[] {
    const old = this.#setsByOwner.get(owner) ?? new Set<string>();
    for (const [id, set] of sets) {
      if (old.has(id)) continue;
      const users = (this.#usersBySet.get(id) ?? 0) + 1;
      this.#usersBySet.set(id, users);
      if (users === 1) this.#out.ipSets({ kind: 'ipset-active', spec: { id, selector: set.selector.canonical, ...(set.namedPort === undefined ? {} : { namedPort: set.namedPort }) } });
    }
    this.#setsByOwner.set(owner, new Set(sets.keys()));
    return [...old].filter((id) => !sets.has(id));
  }

  #release(owner: string): string[] {
    const old = this.#setsByOwner.get(owner);
    this.#setsByOwner.delete(owner);
    return old === undefined ? [] : [...old];
  }

  #deactivate(ids: readonly string[]): void {
    for (const id of ids) {
      const users = (this.#usersBySet.get(id) ?? 0) - 1;
      if (users > 0) {
        this.#usersBySet.set(id, users);
        continue;
      }
      this.#usersBySet.delete(id);
      this.#out.ipSets({ kind: 'ipset-inactive', id });
    }
  }
}
