/**
 * Felix's policy ordering (policy_sorter.go, design/felix.md §1.3.6) and the per-endpoint tier lists the
 * dataplane receives.
 *   tiers:     valid (a Tier record exists) before invalid; then ascending order, a missing order last;
 *              ties by name
 *   policies:  ascending order, a missing order as +∞; ties by the string `name/namespace/kind`
 *   per endpoint: only tiers with a matching policy; a policy is listed for ingress / egress when its
 *              types include it (no types: both). doNotTrack → untracked tiers, preDNAT → pre-DNAT tiers
 *              (ingress only), both with default action Pass; the rest → tiers, and with applyOnForward
 *              also forward tiers. Workload endpoints get only `tiers`.
 */

export interface TierMeta {
  readonly name: string;
  /** False for a tier named by policies but with no Tier record (an implicit tier). */
  readonly valid: boolean;
  readonly order: number | null | undefined;
  readonly defaultAction: 'Deny' | 'Pass';
}

export interface PolicyMeta {
  /** Felix's policy name in the output: `Kind/name` or `Kind/namespace/name`. */
  readonly id: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly tier: string;
  readonly order: number | null | undefined;
  readonly types: readonly ('ingress' | 'egress')[] | undefined;
  readonly doNotTrack: boolean;
  readonly preDNAT: boolean;
  readonly applyOnForward: boolean;
}

export interface EndpointTier {
  readonly name: string;
  readonly ingress: readonly string[];
  readonly egress: readonly string[];
  readonly defaultAction: 'Deny' | 'Pass';
}

export interface EndpointTiers {
  readonly tiers: readonly EndpointTier[];
  readonly untrackedTiers: readonly EndpointTier[];
  readonly preDnatTiers: readonly EndpointTier[];
  readonly forwardTiers: readonly EndpointTier[];
}

const byOrderMissingLast = (a: number | null | undefined, b: number | null | undefined): number => {
  const left = a ?? Number.POSITIVE_INFINITY;
  const right = b ?? Number.POSITIVE_INFINITY;
  return left === right ? 0 : left < right ? -1 : 1;
};

const byString = (a: string, b: string): number => (a === b ? 0 : a < b ? -1 : 1);

export function compareTiers(a: TierMeta, b: TierMeta): number {
  if (a.valid !== b.valid) return a.valid ? -1 : 1;
  return byOrderMissingLast(a.order, b.order) || byString(a.name, b.name);
}

export function comparePolicies(a: PolicyMeta, b: PolicyMeta): number {
  return byOrderMissingLast(a.order, b.order) || byString(`${a.name}/${a.namespace}/${a.kind}`, `${b.name}/${b.namespace}/${b.kind}`);
}

function appliesTo(policy: PolicyMeta, direction: 'ingress' | 'egress'): boolean {
  return policy.types === undefined || policy.types.includes(direction);
}

function tierLists(tiers: readonly TierMeta[], policies: readonly PolicyMeta[], options: { ingressOnly: boolean; forcePass: boolean }): EndpointTier[] {
  const out: EndpointTier[] = [];
  for (const tier of tiers) {
    const members = policies.filter((policy) => policy.tier === tier.name);
    if (members.length === 0) continue;
    out.push({
      name: tier.name,
      ingress: members.filter((policy) => appliesTo(policy, 'ingress')).map((policy) => policy.id),
      egress: options.ingressOnly ? [] : members.filter((policy) => appliesTo(policy, 'egress')).map((policy) => policy.id),
      defaultAction: options.forcePass ? 'Pass' : tier.defaultAction,
    });
  }
  return out;
}

/**
 * The ordered tier lists for one endpoint, from the policies that match it and the known tiers (a tier
 * named only by policies is implicit: invalid, order unknown, default action Deny).
 */
export function endpointTiers(matching: readonly PolicyMeta[], knownTiers: ReadonlyMap<string, TierMeta>, kind: 'workload' | 'host'): EndpointTiers {
  const tiers = [...new Set(matching.map((policy) => policy.tier))]
    .map((name) => knownTiers.get(name) ?? { name, valid: false, order: undefined, defaultAction: 'Deny' as const })
    .sort(compareTiers);
  const sorted = [...matching].sort(comparePolicies);
  const normal = sorted.filter((policy) => !policy.doNotTrack && !policy.preDNAT);
  const result = { tiers: tierLists(tiers, normal, { ingressOnly: false, forcePass: false }) };
  if (kind === 'workload') return { ...result, untrackedTiers: [], preDnatTiers: [], forwardTiers: [] };
  return {
    ...result,
    untrackedTiers: tierLists(tiers, sorted.filter((policy) => policy.doNotTrack), { ingressOnly: false, forcePass: true }),
    preDnatTiers: tierLists(tiers, sorted.filter((policy) => policy.preDNAT), { ingressOnly: true, forcePass: true }),
    forwardTiers: tierLists(tiers, normal.filter((policy) => policy.applyOnForward), { ingressOnly: false, forcePass: false }),
  };
}
