/**
 * Selector strings as Calico's converters build them (calico-model.md §3.2, §3.4, §4.2). Some parts
 * are joined as plain strings (the user's quoting kept), others go through the parser and printer
 * (label names prefixed with `pcns.` / `pcsa.`, double quotes, sorted sets) — the difference matters,
 * because Felix's IP set IDs hash the canonical form of the final string.
 */
import { canonicalString } from '../../../actors/calc/selector/ast.js';
import type { SelectorNode } from '../../../actors/calc/selector/ast.js';
import { parseSelectorTree } from '../../../actors/calc/selector/parser.js';
import { SelectorParseError } from '../../../actors/calc/selector/errors.js';
import type { Fields } from './resource.js';

export const NAMESPACE_LABEL = 'projectcalico.org/namespace';
export const ORCHESTRATOR_LABEL = 'projectcalico.org/orchestrator';
export const SERVICE_ACCOUNT_LABEL = 'projectcalico.org/serviceaccount';
export const NAMESPACE_PREFIX = 'pcns.';
export const SERVICE_ACCOUNT_PREFIX = 'pcsa.';

function prefixed(node: SelectorNode, prefix: string): SelectorNode {
  switch (node.kind) {
    case 'not': return { kind: 'not', operand: prefixed(node.operand, prefix) };
    case 'and':
    case 'or': return { kind: node.kind, operands: node.operands.map((operand) => prefixed(operand, prefix)) };
    case 'all':
    case 'global': return node;
    default: return { ...node, label: `${prefix}${node.label}` };
  }
}

/** Parses `selector`, prefixes every label name, prints it canonically (Calico's `parser.Parse` + `String`). */
export function prefixSelector(selector: string, prefix: string, fields: Fields, path: string): string {
  try {
    return canonicalString(prefixed(parseSelectorTree(selector), prefix));
  } catch (error) {
    if (error instanceof SelectorParseError) fields.fail(`${path}: ${error.message}`);
    throw error;
  }
}

/** A rule's namespaceSelector in the v1 model: `pcns.` labels, all() → any namespace, global() → none. */
export function namespaceSelectorPart(selector: string, fields: Fields, path: string): string {
  return prefixSelector(selector, NAMESPACE_PREFIX, fields, path)
    .replaceAll('all()', `has(${NAMESPACE_LABEL})`)
    .replaceAll('global()', `!has(${NAMESPACE_LABEL})`);
}

/** Checks that a user's selector parses, naming the field when it does not. */
export function checkSelector(selector: string, fields: Fields, path: string): string {
  try {
    parseSelectorTree(selector);
  } catch (error) {
    if (error instanceof SelectorParseError) fields.fail(`${path}: ${error.message}`);
    throw error;
  }
  return selector;
}

/**
 * The endpoint selector of a rule side (Calico's `getEndpointSelector`): the namespace part (the
 * rule's namespaceSelector, else the policy's own namespace) joined with the selector part.
 */
export function endpointSelector(options: {
  readonly namespaceSelector: string;
  readonly selector: string;
  readonly serviceAccountSelector: string;
  readonly notSelector: string;
  /** The policy's namespace; '' for global policies and profiles. */
  readonly namespace: string;
}, fields: Fields, path: string): string {
  const { namespaceSelector, selector, serviceAccountSelector, notSelector, namespace } = options;
  let namespacePart = '';
  if (namespaceSelector !== '') namespacePart = namespaceSelectorPart(namespaceSelector, fields, `${path}.namespaceSelector`);
  else if (namespace !== '') namespacePart = `${NAMESPACE_LABEL} == '${namespace}'`;
  let selectorPart = selector;
  if (serviceAccountSelector !== '') selectorPart = selector === '' ? serviceAccountSelector : `(${serviceAccountSelector}) && (${selector})`;
  if (namespacePart !== '' && (selectorPart !== '' || notSelector !== '' || namespaceSelector !== '')) {
    return selectorPart === '' ? namespacePart : `(${namespacePart}) && (${selectorPart})`;
  }
  return selectorPart;
}

interface LabelSelector {
  readonly matchLabels?: Record<string, unknown>;
  readonly matchExpressions?: readonly { key?: unknown; operator?: unknown; values?: unknown }[];
}

const quoteList = (values: readonly string[]): string => `{ ${values.map((value) => `'${value}'`).join(', ')} }`;

/** A Kubernetes label selector's terms, Calico style (§3.2): matchLabels sorted by key, then expressions. */
export function labelSelectorTerms(selector: unknown, fields: Fields, path: string): string[] {
  const object = (fields.object(selector, path) ?? {}) as LabelSelector;
  const terms: string[] = [];
  const matchLabels = fields.labels(object.matchLabels, `${path}.matchLabels`);
  for (const key of Object.keys(matchLabels).sort()) terms.push(`${key} == '${matchLabels[key]!}'`);
  fields.array(object.matchExpressions, `${path}.matchExpressions`).forEach((raw, index) => {
    const where = `${path}.matchExpressions[${index}]`;
    const expression = fields.object(raw, where) ?? {};
    const key = fields.string(expression['key'], `${where}.key`) ?? fields.fail(`${where}.key is required`);
    const values = fields.strings(expression['values'], `${where}.values`);
    switch (expression['operator']) {
      case 'In': terms.push(`${key} in ${quoteList(values)}`); break;
      case 'NotIn': terms.push(`${key} not in ${quoteList(values)}`); break;
      case 'Exists': terms.push(`has(${key})`); break;
      case 'DoesNotExist': terms.push(`! has(${key})`); break;
      default: fields.fail(`${where}.operator must be In, NotIn, Exists or DoesNotExist`);
    }
  });
  return terms;
}

/** A pod selector: `projectcalico.org/orchestrator == 'k8s'` first, then the selector's terms. */
export function podSelector(selector: unknown, fields: Fields, path: string): string {
  return [`${ORCHESTRATOR_LABEL} == 'k8s'`, ...labelSelectorTerms(selector, fields, path)].join(' && ');
}

/** A peer's namespaceSelector: absent → '' (the policy's namespace), `{}` → all(), else its terms. */
export function namespaceSelectorTerms(selector: unknown, fields: Fields, path: string): string {
  if (selector === undefined || selector === null) return '';
  const terms = labelSelectorTerms(selector, fields, path);
  return terms.length === 0 ? 'all()' : terms.join(' && ');
}
