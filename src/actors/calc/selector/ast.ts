/**
 * The selector syntax tree, its evaluation against labels, and its canonical text — byte for byte the
 * string Felix hashes into an IP set ID (libcalico-go `parser/ast.go`): `label OP "value"` (single
 * quotes only when the value contains `"`), sets sorted and de-duplicated, `!` as a bare prefix, `&&`
 * and `||` groups always parenthesised, user parentheses dropped, the empty selector as `all()`.
 */

export type SelectorNode =
  | { readonly kind: 'eq' | 'ne' | 'contains' | 'startswith' | 'endswith'; readonly label: string; readonly value: string }
  | { readonly kind: 'in' | 'notin'; readonly label: string; readonly values: readonly string[] }
  | { readonly kind: 'has'; readonly label: string }
  | { readonly kind: 'not'; readonly operand: SelectorNode }
  | { readonly kind: 'and' | 'or'; readonly operands: readonly SelectorNode[] }
  | { readonly kind: 'all' | 'global' };

/** Label lookup: the value, or undefined when the label is absent. */
export type LabelLookup = (name: string) => string | undefined;

export function evaluate(node: SelectorNode, get: LabelLookup): boolean {
  switch (node.kind) {
    case 'eq': { const value = get(node.label); return value !== undefined && value === node.value; }
    case 'ne': { const value = get(node.label); return value === undefined || value !== node.value; }
    case 'contains': { const value = get(node.label); return value !== undefined && value.includes(node.value); }
    case 'startswith': { const value = get(node.label); return value !== undefined && value.startsWith(node.value); }
    case 'endswith': { const value = get(node.label); return value !== undefined && value.endsWith(node.value); }
    case 'in': { const value = get(node.label); return value !== undefined && node.values.includes(value); }
    case 'notin': { const value = get(node.label); return value === undefined || !node.values.includes(value); }
    case 'has': return get(node.label) !== undefined;
    case 'not': return !evaluate(node.operand, get);
    case 'and': return node.operands.every((operand) => evaluate(operand, get));
    case 'or': return node.operands.some((operand) => evaluate(operand, get));
    case 'all':
    case 'global': return true;
  }
}

const OPERATOR_TEXT = { eq: ' == ', ne: ' != ', contains: ' contains ', startswith: ' starts with ', endswith: ' ends with ' } as const;

function quote(value: string): string {
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

export function canonicalString(node: SelectorNode): string {
  switch (node.kind) {
    case 'eq':
    case 'ne':
    case 'contains':
    case 'startswith':
    case 'endswith':
      return `${node.label}${OPERATOR_TEXT[node.kind]}${quote(node.value)}`;
    case 'in':
    case 'notin':
      return `${node.label} ${node.kind === 'in' ? 'in' : 'not in'} {${node.values.map(quote).join(', ')}}`;
    case 'has': return `has(${node.label})`;
    case 'not': return `!${canonicalString(node.operand)}`;
    case 'and': return `(${node.operands.map(canonicalString).join(' && ')})`;
    case 'or': return `(${node.operands.map(canonicalString).join(' || ')})`;
    case 'all': return 'all()';
    case 'global': return 'global()';
  }
}

/** Sorted (by UTF-8 bytes, as Go sorts strings) and de-duplicated. */
export function toStringSet(values: readonly string[]): string[] {
  const unique = [...new Set(values)];
  return unique.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}
