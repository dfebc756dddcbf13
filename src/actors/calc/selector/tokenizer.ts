/**
 * Tokens of the Calico selector language (design/felix.md §4), with the positions error messages
 * need. Follows libcalico-go's tokenizer: whitespace is spaces and tabs; string literals use `"` or `'`
 * with no escapes; `has(label)`, `all()`, `global()` are single tokens; the word operators
 * (`contains`, `starts with`/`startswith`, `ends with`/`endswith`, `in`, `not in`/`notin`) are
 * recognised only right after a label.
 */
import { SelectorParseError } from './errors.js';

export type TokenKind =
  | 'label' | 'string' | 'lbrace' | 'rbrace' | 'comma' | 'eq' | 'ne' | 'in' | 'not' | 'notin'
  | 'contains' | 'startswith' | 'endswith' | 'all' | 'has' | 'global' | 'lparen' | 'rparen' | 'and' | 'or' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  readonly position: number;
}

/** Label names: letters, digits, `_ . / -`, at most 512 characters (Kubernetes label keys fit). */
const LABEL_CHAR = /[A-Za-z0-9_./-]/;
export const MAX_LABEL_LENGTH = 512;

const SINGLE: Readonly<Record<string, TokenKind>> = { '(': 'lparen', ')': 'rparen', '{': 'lbrace', '}': 'rbrace', ',': 'comma' };
const WORD_OPERATORS: readonly (readonly [RegExp, TokenKind])[] = [
  [/^contains/, 'contains'],
  [/^starts[ \t]*with/, 'startswith'],
  [/^ends[ \t]*with/, 'endswith'],
  [/^not[ \t]*in/, 'notin'],
  [/^in/, 'in'],
];

function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t';
}

export function tokenize(selector: string): Token[] {
  const tokens: Token[] = [];
  const fail = (position: number, reason: string): never => {
    throw new SelectorParseError(selector, position, reason);
  };
  let at = 0;
  const skipSpace = () => { while (isSpace(selector[at])) at += 1; };
  const readLabel = (): string => {
    const start = at;
    while (at < selector.length && LABEL_CHAR.test(selector[at]!)) at += 1;
    if (at - start > MAX_LABEL_LENGTH) fail(start, `label longer than ${MAX_LABEL_LENGTH} characters`);
    return selector.slice(start, at);
  };
  let start = 0;
  const push = (kind: TokenKind, value = '') => tokens.push({ kind, value, position: start });
  for (;;) {
    skipSpace();
    start = at;
    const char = selector[at];
    if (char === undefined) {
      tokens.push({ kind: 'eof', value: '', position: at });
      return tokens;
    }
    const previous = tokens.at(-1)?.kind;
    if (SINGLE[char] !== undefined) {
      at += 1;
      push(SINGLE[char]!);
    } else if (char === '"' || char === "'") {
      const end = selector.indexOf(char, at + 1);
      if (end < 0) fail(start, `unterminated string (no closing ${char})`);
      push('string', selector.slice(at + 1, end));
      at = end + 1;
    } else if (selector.startsWith('==', at)) {
      at += 2;
      push('eq');
    } else if (selector.startsWith('!=', at)) {
      at += 2;
      push('ne');
    } else if (char === '!') {
      at += 1;
      push('not');
    } else if (selector.startsWith('&&', at)) {
      at += 2;
      push('and');
    } else if (selector.startsWith('||', at)) {
      at += 2;
      push('or');
    } else if (char === '=' || char === '&' || char === '|') {
      fail(start, `expected ${char}${char}`);
    } else if (previous === 'label') {
      const rest = selector.slice(at);
      const operator = WORD_OPERATORS.find(([pattern]) => pattern.test(rest));
      if (operator === undefined) fail(start, `expected an operator after label ${JSON.stringify(tokens.at(-1)!.value)}`);
      at += rest.match(operator![0])![0].length;
      push(operator![1]);
    } else if (selector.startsWith('has(', at)) {
      at += 4;
      skipSpace();
      const label = readLabel();
      if (label === '') fail(at, 'expected a label name in has(…)');
      skipSpace();
      if (selector[at] !== ')') fail(at, "expected ')' to close has(");
      at += 1;
      push('has', label);
    } else if (selector.startsWith('all(', at) || selector.startsWith('global(', at)) {
      const kind = selector.startsWith('all(', at) ? 'all' : 'global';
      at += kind.length + 1;
      skipSpace();
      if (selector[at] !== ')') fail(at, `expected ')' to close ${kind}(`);
      at += 1;
      push(kind);
    } else if (LABEL_CHAR.test(char)) {
      push('label', readLabel());
    } else {
      fail(start, `unexpected character ${JSON.stringify(char)}`);
    }
  }
}
