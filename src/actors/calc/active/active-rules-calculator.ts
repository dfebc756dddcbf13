/**
 * Felix's ActiveRulesCalculator (active_rules_calculator.go): which policies and profiles this host
 * needs. It holds every policy and every profile's rules, but only local endpoints.
 *   policy active  ⇔ its selector matches ≥ 1 local endpoint (own labels, then inherited profile
 *                    labels), or it carries the `AssumeNeededOnEveryNode` performance hint
 *   profile active ⇔ some local endpoint lists it; missing rules are sent as rules that drop all
 * A rule change to an active policy or profile is sent again; an update equal to what is held is
 * dropped. Matches (policy, endpoint) go to the PolicyResolver; activity goes to the RuleScanner.
 */
import { LabelIndex } from '../labels/label-index.js';
import { keyString, policyName } from '../model/records.js';
import type { ModelUpdate } from '../model/records.js';
import type { KeyOf, ValueOf } from '../model/schema.js';
import { parseSelectorCached } from '../selector/selector.js';
import type { Emit, MatchEvent, RulesEvent } from '../graph/events.js';

export const ASSUME_NEEDED_ON_EVERY_NODE = 'AssumeNeededOnEveryNode';

interface HeldPolicy {
  readonly key: KeyOf<'Policy'>;
  readonly value: ValueOf<'Policy'>;
}

export interface ActiveRulesOutputs {
  readonly rules: Emit<RulesEvent>;
  readonly matches: Emit<MatchEvent>;
}

export class ActiveRulesCalculator {
  readonly #out: ActiveRulesOutputs;
  readonly #policies = new Map<string, HeldPolicy>();
  readonly #profileRules = new Map<string, ValueOf<'ProfileRules'>>();
  readonly #index: LabelIndex<string, string>;
  readonly #matchCounts = new Map<string, number>();
  /** Policies the RuleScanner has been told are active. */
  readonly #activeSent = new Set<string>();
  readonly #endpointProfiles = new Map<string, readonly string[]>();
  readonly #profileRefCounts = new Map<string, number>();

  constructor(outputs: ActiveRulesOutputs) {
    this.#out = outputs;
    this.#index = new LabelIndex<string, string>({
      onMatchStarted: (policy, endpoint) => this.#matchChanged(policy, endpoint, +1),
      onMatchStopped: (policy, endpoint) => this.#matchChanged(policy, endpoint, -1),
    });
  }

  get activePolicyCount(): number {
    return this.#activeSent.size;
  }

  /** Selector evaluations of the policy index so far. */
  get selectorEvaluations(): number {
    return this.#index.evaluations;
  }

  /** Takes local endpoint updates and every Policy, ProfileRules and ProfileLabels update. */
  onUpdate(update: ModelUpdate): void {
    switch (update.type) {
      case 'WorkloadEndpoint':
      case 'HostEndpoint':
        return this.#onEndpoint(keyString(update), update.value === null ? undefined : update.value);
      case 'Policy':
        return this.#onPolicy(update.key, update.value);
      case 'ProfileRules':
        return this.#onProfileRules(update.key.name, update.value ?? undefined);
      case 'ProfileLabels':
        return this.#index.updateParentLabels(update.key.name, update.value?.labelsToApply);
      default:
        return undefined;
    }
  }

  #isActive(policyId: string): boolean {
    const held = this.#policies.get(policyId);
    return held !== undefined && ((this.#matchCounts.get(policyId) ?? 0) > 0 || isForced(held.value));
  }

  #onEndpoint(id: string, value: { labels: Record<string, string>; profileIds: string[] } | undefined): void {
    const oldProfiles = this.#endpointProfiles.get(id) ?? [];
    const newProfiles = value?.profileIds ?? [];
    // Profiles gained before profiles lost, so a profile kept across the update never goes inactive.
    for (const name of newProfiles) if (!oldProfiles.includes(name)) this.#profileRef(name, +1);
    if (value === undefined) {
      this.#index.deleteItem(id);
      this.#endpointProfiles.delete(id);
    } else {
      this.#index.updateItem(id, value.labels, value.profileIds);
      this.#endpointProfiles.set(id, value.profileIds);
    }
    for (const name of oldProfiles) if (!newProfiles.includes(name)) this.#profileRef(name, -1);
  }

  #onPolicy(key: KeyOf<'Policy'>, value: ValueOf<'Policy'> | null): void {
    const id = policyName(key);
    const held = this.#policies.get(id);
    if (value === null) {
      if (held === undefined) return;
      this.#index.deleteSelector(id);
      this.#policies.delete(id);
      this.#publish(id, key);
      return;
    }
    // Compared only when the key is known: a snapshot's first sight of each policy pays nothing.
    if (held !== undefined && JSON.stringify(held.value) === JSON.stringify(value)) return;
    const sentBefore = this.#activeSent.has(id);
    this.#policies.set(id, { key, value });
    this.#index.updateSelector(id, parseSelectorCached(value.selector));
    // Already active before this update: its rules may have changed, so it is sent again.
    this.#publish(id, key, sentBefore);
  }

  /** Tells the RuleScanner when a policy's activity changes (or, with `resend`, that its rules did). */
  #publish(id: string, key: KeyOf<'Policy'>, resend = false): void {
    const active = this.#isActive(id);
    const sent = this.#activeSent.has(id);
    if (active && (!sent || resend)) {
      this.#activeSent.add(id);
      this.#out.rules({ kind: 'policy-active', key, value: this.#policies.get(id)!.value });
    } else if (!active && sent) {
      this.#activeSent.delete(id);
      this.#out.rules({ kind: 'policy-inactive', key });
    }
  }

  #onProfileRules(name: string, rules: ValueOf<'ProfileRules'> | undefined): void {
    if (rules === undefined) this.#profileRules.delete(name);
    else this.#profileRules.set(name, rules);
    if ((this.#profileRefCounts.get(name) ?? 0) > 0) this.#out.rules({ kind: 'profile-active', name, rules: rules ?? null });
  }

  #profileRef(name: string, delta: 1 | -1): void {
    const count = (this.#profileRefCounts.get(name) ?? 0) + delta;
    if (count === 0) this.#profileRefCounts.delete(name);
    else this.#profileRefCounts.set(name, count);
    if (delta > 0 && count === 1) this.#out.rules({ kind: 'profile-active', name, rules: this.#profileRules.get(name) ?? null });
    if (delta < 0 && count === 0) this.#out.rules({ kind: 'profile-inactive', name });
  }

  #matchChanged(policyId: string, endpoint: string, delta: 1 | -1): void {
    const count = (this.#matchCounts.get(policyId) ?? 0) + delta;
    if (count === 0) this.#matchCounts.delete(policyId);
    else this.#matchCounts.set(policyId, count);
    const key = this.#policies.get(policyId)?.key;
    // Active before the first match is announced; inactive after the last one has stopped.
    if (delta > 0 && key !== undefined) this.#publish(policyId, key);
    this.#out.matches({ kind: 'match', policy: policyId, endpoint, matching: delta > 0 });
    if (delta < 0 && key !== undefined) this.#publish(policyId, key);
  }
}

function isForced(value: ValueOf<'Policy'>): boolean {
  return value.performanceHints?.includes(ASSUME_NEEDED_ON_EVERY_NODE) === true;
}
