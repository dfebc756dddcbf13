/**
 * A parsed Calico selector: its tree, canonical string, Felix IP set ID and label restrictions,
 * computed once. Pure: no runtime imports; the calculators and actors share it.
 *
 *   const selector = parseSelector("role == 'db' && has(tier)");
 *   selector.canonical  // (role == "db" && has(tier))
 *   selector.uniqueId   // s:…  (the IP set ID Felix would use)
 *   selector.matches((name) => labels[name])
 */
import { canonicalString, evaluate } from './ast.js';
import type { LabelLookup, SelectorNode } from './ast.js';
import { labelRestrictions } from './label-restrictions.js';
import type { LabelRestrictions } from './label-restrictions.js';
import { parseSelectorTree } from './parser.js';
import { selectorIpSetId } from './unique-id.js';

export class Selector {
  readonly canonical: string;
  #uniqueId: string | undefined;
  #restrictions: LabelRestrictions | undefined;

  constructor(readonly tree: SelectorNode) {
    this.canonical = canonicalString(tree);
  }

  /** The IP set ID Felix uses for this selector. */
  get uniqueId(): string {
    this.#uniqueId ??= selectorIpSetId(this.canonical);
    return this.#uniqueId;
  }

  get restrictions(): LabelRestrictions {
    this.#restrictions ??= labelRestrictions(this.tree);
    return this.#restrictions;
  }

  matches(labels: LabelLookup | Readonly<Record<string, string>>): boolean {
    const get: LabelLookup = typeof labels === 'function' ? labels : (name) => (Object.hasOwn(labels, name) ? labels[name] : undefined);
    return evaluate(this.tree, get);
  }

  toString(): string {
    return this.canonical;
  }
}

/** Parses a selector; throws `SelectorParseError` (code SELECTOR_ERR_PARSE) naming position and reason. */
export function parseSelector(text: string): Selector {
  return new Selector(parseSelectorTree(text));
}

/**
 * Parses through a bounded cache: the same selector text recurs across validation, the rule scanner
 * and many policies, and a Selector is immutable. Emptied whole when full (cheap, rare, bounded).
 * The bound is above the selector count of the largest clusters we measure (100,000 isolated
 * namespaces have 100,000 distinct policy selectors): a cache emptied mid-snapshot parses everything twice.
 */
const CACHE_LIMIT = 250_000;
const cache = new Map<string, Selector>();

export function parseSelectorCached(text: string): Selector {
  let selector = cache.get(text);
  if (selector === undefined) {
    selector = parseSelector(text);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(text, selector);
  }
  return selector;
}

export { SelectorParseError } from './errors.js';
export type { LabelRestriction, LabelRestrictions } from './label-restrictions.js';
export type { LabelLookup, SelectorNode } from './ast.js';
export { makeUniqueId, namedPortIpSetId, selectorIpSetId } from './unique-id.js';
