/**
 * What a selector demands of a single label, so the label index can find candidate endpoints without
 * evaluating the selector against every endpoint (libcalico-go `LabelRestrictions`):
 *   `==`, `in`                       present, with one of the given values
 *   has, contains, starts/ends with  present
 *   !has                             absent
 *   `!=`, `not in`, other negations  nothing known
 *   `&&` merges (intersecting value sets; an empty set means the selector can never match);
 *   `||` keeps only what every branch demands.
 */
import type { SelectorNode } from './ast.js';
import { toStringSet } from './ast.js';

export interface LabelRestriction {
  readonly mustBePresent: boolean;
  readonly mustBeAbsent: boolean;
  /** When defined, the label must have one of these values; `[]` means nothing can match. */
  readonly oneOfValues: readonly string[] | undefined;
}

export type LabelRestrictions = ReadonlyMap<string, LabelRestriction>;

const PRESENT: LabelRestriction = { mustBePresent: true, mustBeAbsent: false, oneOfValues: undefined };
const NONE: LabelRestrictions = new Map();

export function labelRestrictions(node: SelectorNode): LabelRestrictions {
  switch (node.kind) {
    case 'eq': return new Map([[node.label, { ...PRESENT, oneOfValues: [node.value] }]]);
    case 'in': return new Map([[node.label, { ...PRESENT, oneOfValues: node.values }]]);
    case 'has':
    case 'contains':
    case 'startswith':
    case 'endswith':
      return new Map([[node.label, PRESENT]]);
    case 'not':
      return node.operand.kind === 'has'
        ? new Map([[node.operand.label, { mustBePresent: false, mustBeAbsent: true, oneOfValues: undefined }]])
        : NONE;
    case 'and': return node.operands.map(labelRestrictions).reduce(intersect, new Map());
    case 'or': return node.operands.map(labelRestrictions).reduce(unionOfDemands);
    default: return NONE;
  }
}

function intersect(into: LabelRestrictions, next: LabelRestrictions): LabelRestrictions {
  const merged = new Map(into);
  for (const [label, demand] of next) {
    const base = merged.get(label);
    if (base === undefined) {
      merged.set(label, demand);
      continue;
    }
    const values = base.oneOfValues === undefined ? demand.oneOfValues
      : demand.oneOfValues === undefined ? base.oneOfValues
        : base.oneOfValues.filter((value) => demand.oneOfValues!.includes(value));
    merged.set(label, {
      mustBePresent: base.mustBePresent || demand.mustBePresent,
      mustBeAbsent: base.mustBeAbsent || demand.mustBeAbsent,
      oneOfValues: values,
    });
  }
  return merged;
}

function unionOfDemands(left: LabelRestrictions, right: LabelRestrictions): LabelRestrictions {
  const kept = new Map<string, LabelRestriction>();
  for (const [label, a] of left) {
    const b = right.get(label);
    const mustBePresent = a.mustBePresent && (b?.mustBePresent ?? false);
    const mustBeAbsent = a.mustBeAbsent && (b?.mustBeAbsent ?? false);
    const oneOfValues = !mustBePresent || a.oneOfValues === undefined || b?.oneOfValues === undefined
      ? undefined
      : toStringSet([...a.oneOfValues, ...b.oneOfValues]);
    if (mustBePresent || mustBeAbsent) kept.set(label, { mustBePresent, mustBeAbsent, oneOfValues });
  }
  return kept;
}
