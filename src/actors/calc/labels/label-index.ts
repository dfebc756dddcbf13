/**
 * Which selectors match which labelled items (endpoints, network sets), kept current as either changes
 * — the core of Felix's labelindex. Items inherit labels from parents (profiles); their own labels win,
 * then parents in the order listed.
 *
 * Candidate index, so work grows with what can match rather than with everything:
 *   selectors are filed under one necessary condition from their label restrictions
 *     (label k has one of values V | label k is present | nothing usable → "unrestricted");
 *   items are filed by effective label, then value (two levels: no key string built per label, and
 *     "label k is present" is the union of k's value sets, so each label costs an item one insertion).
 *   An item update evaluates unrestricted selectors plus those filed under its labels; a new selector
 *   evaluates only the items filed under its condition. A restriction that cannot hold matches nothing.
 */
import type { Selector } from '../selector/selector.js';

export interface MatchListener<TSelectorId, TItemId> {
  onMatchStarted(selectorId: TSelectorId, itemId: TItemId): void;
  onMatchStopped(selectorId: TSelectorId, itemId: TItemId): void;
}

type Labels = Readonly<Record<string, string>>;

type Filing = { readonly kind: 'value'; readonly label: string; readonly values: readonly string[] }
  | { readonly kind: 'present'; readonly label: string }
  | { readonly kind: 'unrestricted' }
  | { readonly kind: 'never' };

interface ItemState<TSelectorId> {
  own: Labels;
  parents: readonly string[];
  effective: Map<string, string>;
  matches: Set<TSelectorId>;
}

function fileSelector(selector: Selector): Filing {
  let best: Filing = { kind: 'unrestricted' };
  for (const [label, restriction] of selector.restrictions) {
    if (restriction.oneOfValues !== undefined) {
      if (restriction.oneOfValues.length === 0) return { kind: 'never' };
      if (best.kind !== 'value' || restriction.oneOfValues.length < best.values.length) best = { kind: 'value', label, values: restriction.oneOfValues };
    } else if (restriction.mustBePresent && best.kind === 'unrestricted') {
      best = { kind: 'present', label };
    }
  }
  return best;
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (set === undefined) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set === undefined) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

/** label → value → members: the items (or selectors) filed under each label and value. */
type ByLabelValue<V> = Map<string, Map<string, Set<V>>>;

function fileUnder<V>(index: ByLabelValue<V>, label: string, value: string, member: V): void {
  let byValue = index.get(label);
  if (byValue === undefined) index.set(label, (byValue = new Map()));
  addTo(byValue, value, member);
}

function unfileFrom<V>(index: ByLabelValue<V>, label: string, value: string, member: V): void {
  const byValue = index.get(label);
  if (byValue === undefined) return;
  removeFrom(byValue, value, member);
  if (byValue.size === 0) index.delete(label);
}

/** What an unknown item matches, or an unknown selector: shared, never written. */
const NOTHING: ReadonlySet<never> = new Set();

export class LabelIndex<TSelectorId, TItemId> {
  readonly #listener: MatchListener<TSelectorId, TItemId>;
  readonly #selectors = new Map<TSelectorId, { selector: Selector; filing: Filing; matches: Set<TItemId> }>();
  readonly #items = new Map<TItemId, ItemState<TSelectorId>>();
  readonly #parentLabels = new Map<string, Labels>();
  readonly #itemsByParent = new Map<string, Set<TItemId>>();
  readonly #itemsByLabel: ByLabelValue<TItemId> = new Map();
  readonly #selectorsByLabelValue: ByLabelValue<TSelectorId> = new Map();
  readonly #selectorsByLabel = new Map<string, Set<TSelectorId>>();
  readonly #unrestricted = new Set<TSelectorId>();
  /** Selector evaluations performed (Felix's `label_index_selector_evals`). */
  evaluations = 0;

  constructor(listener: MatchListener<TSelectorId, TItemId>) {
    this.#listener = listener;
  }

  get selectorCount(): number {
    return this.#selectors.size;
  }

  matchesOf(itemId: TItemId): ReadonlySet<TSelectorId> {
    return this.#items.get(itemId)?.matches ?? NOTHING;
  }

  itemsMatching(selectorId: TSelectorId): ReadonlySet<TItemId> {
    return this.#selectors.get(selectorId)?.matches ?? NOTHING;
  }

  updateSelector(id: TSelectorId, selector: Selector): void {
    const existing = this.#selectors.get(id);
    if (existing !== undefined && existing.selector.canonical === selector.canonical) return;
    if (existing !== undefined) this.#unfileSelector(id, existing.filing);
    const filing = fileSelector(selector);
    const state = { selector, filing, matches: existing?.matches ?? new Set<TItemId>() };
    this.#selectors.set(id, state);
    this.#fileSelector(id, filing);
    const candidates = this.#candidateItems(filing);
    const matching = new Set<TItemId>();
    for (const itemId of candidates) if (this.#evaluate(selector, this.#items.get(itemId)!)) matching.add(itemId);
    for (const itemId of matching) if (!state.matches.has(itemId)) this.#start(id, itemId);
    for (const itemId of [...state.matches]) if (!matching.has(itemId)) this.#stop(id, itemId);
  }

  deleteSelector(id: TSelectorId): void {
    const state = this.#selectors.get(id);
    if (state === undefined) return;
    for (const itemId of [...state.matches]) this.#stop(id, itemId);
    this.#unfileSelector(id, state.filing);
    this.#selectors.delete(id);
  }

  updateItem(id: TItemId, labels: Labels, parents: readonly string[]): void {
    let item = this.#items.get(id);
    if (item === undefined) {
      item = { own: labels, parents, effective: new Map(), matches: new Set() };
      this.#items.set(id, item);
    } else {
      for (const parent of item.parents) removeFrom(this.#itemsByParent, parent, id);
      item.own = labels;
      item.parents = parents;
    }
    for (const parent of parents) addTo(this.#itemsByParent, parent, id);
    this.#refresh(id, item);
  }

  deleteItem(id: TItemId): void {
    const item = this.#items.get(id);
    if (item === undefined) return;
    for (const selectorId of [...item.matches]) this.#stop(selectorId, id);
    this.#unfileItem(id, item.effective);
    for (const parent of item.parents) removeFrom(this.#itemsByParent, parent, id);
    this.#items.delete(id);
  }

  /** Labels of a parent (profile) changed or went away (undefined): its items' matches are rechecked. */
  updateParentLabels(parentId: string, labels: Labels | undefined): void {
    if (labels === undefined) this.#parentLabels.delete(parentId);
    else this.#parentLabels.set(parentId, labels);
    for (const itemId of this.#itemsByParent.get(parentId) ?? []) this.#refresh(itemId, this.#items.get(itemId)!);
  }

  #refresh(id: TItemId, item: ItemState<TSelectorId>): void {
    const effective = new Map<string, string>();
    for (let index = item.parents.length - 1; index >= 0; index -= 1) {
      const labels = this.#parentLabels.get(item.parents[index]!);
      if (labels !== undefined) for (const name in labels) effective.set(name, labels[name]!);
    }
    const own = item.own;
    for (const name in own) effective.set(name, own[name]!);
    this.#unfileItem(id, item.effective);
    item.effective = effective;
    for (const [name, value] of effective) fileUnder(this.#itemsByLabel, name, value, id);
    const matching = new Set<TSelectorId>();
    this.#forCandidateSelectors(effective, (selectorId) => {
      if (this.#evaluate(this.#selectors.get(selectorId)!.selector, item)) matching.add(selectorId);
    });
    for (const selectorId of matching) if (!item.matches.has(selectorId)) this.#start(selectorId, id);
    for (const selectorId of [...item.matches]) if (!matching.has(selectorId)) this.#stop(selectorId, id);
  }

  #evaluate(selector: Selector, item: ItemState<TSelectorId>): boolean {
    this.evaluations += 1;
    return selector.matches((name) => item.effective.get(name));
  }

  /** Items that may match a selector filed this way. Iterated live: evaluating never changes the index. */
  *#candidateItems(filing: Filing): Iterable<TItemId> {
    switch (filing.kind) {
      case 'never': return;
      case 'unrestricted': yield* this.#items.keys(); return;
      case 'present': for (const items of this.#itemsByLabel.get(filing.label)?.values() ?? []) yield* items; return;
      case 'value': {
        const byValue = this.#itemsByLabel.get(filing.label);
        if (byValue !== undefined) for (const value of filing.values) yield* byValue.get(value) ?? [];
      }
    }
  }

  /**
   * Calls `visit` once for each selector that may match labels `effective`. No set is needed to
   * dedupe: a selector is filed in one place (unrestricted, one label's presence, or that label's
   * values), and an item has one value per label.
   */
  #forCandidateSelectors(effective: ReadonlyMap<string, string>, visit: (id: TSelectorId) => void): void {
    for (const id of this.#unrestricted) visit(id);
    for (const [name, value] of effective) {
      const byValue = this.#selectorsByLabelValue.get(name)?.get(value);
      if (byValue !== undefined) for (const id of byValue) visit(id);
      const present = this.#selectorsByLabel.get(name);
      if (present !== undefined) for (const id of present) visit(id);
    }
  }

  #fileSelector(id: TSelectorId, filing: Filing): void {
    if (filing.kind === 'unrestricted') this.#unrestricted.add(id);
    else if (filing.kind === 'present') addTo(this.#selectorsByLabel, filing.label, id);
    else if (filing.kind === 'value') for (const value of filing.values) fileUnder(this.#selectorsByLabelValue, filing.label, value, id);
  }

  #unfileSelector(id: TSelectorId, filing: Filing): void {
    if (filing.kind === 'unrestricted') this.#unrestricted.delete(id);
    else if (filing.kind === 'present') removeFrom(this.#selectorsByLabel, filing.label, id);
    else if (filing.kind === 'value') for (const value of filing.values) unfileFrom(this.#selectorsByLabelValue, filing.label, value, id);
  }

  #unfileItem(id: TItemId, effective: ReadonlyMap<string, string>): void {
    for (const [name, value] of effective) unfileFrom(this.#itemsByLabel, name, value, id);
  }

  #start(selectorId: TSelectorId, itemId: TItemId): void {
    this.#selectors.get(selectorId)!.matches.add(itemId);
    this.#items.get(itemId)!.matches.add(selectorId);
    this.#listener.onMatchStarted(selectorId, itemId);
  }

  #stop(selectorId: TSelectorId, itemId: TItemId): void {
    this.#selectors.get(selectorId)?.matches.delete(itemId);
    this.#items.get(itemId)?.matches.delete(selectorId);
    this.#listener.onMatchStopped(selectorId, itemId);
  }
}
