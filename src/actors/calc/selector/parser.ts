/**
 * Recursive-descent parser for Calico selectors (design/felix.md §4):
 *
 *   or  := and ("||" and)*                 — one operand yields the operand itself
 *   and := op  ("&&" op)*
 *   op  := "!"* ( has(k) | all() | global() | "(" or ")"
 *               | k ("==" | "!=" | contains | starts with | ends with) STRING
 *               | k ("in" | "not in") "{" [STRING ("," STRING)*] "}" )
 *
 * Runs of `!` collapse (`!!x` is `x`). An empty or blank selector is `all()`.
 */
import { toStringSet } from './ast.js';
import type { SelectorNode } from './ast.js';
import { SelectorParseError } from './errors.js';
import { tokenize } from './tokenizer.js';
import type { Token } from './tokenizer.js';

const VALUE_OPERATORS = new Set(['eq', 'ne', 'contains', 'startswith', 'endswith']);

class Parser {
  #index = 0;

  constructor(readonly selector: string, readonly tokens: readonly Token[]) {}

  parse(): SelectorNode {
    if (this.#peek().kind === 'eof') return { kind: 'all' };
    const root = this.#or();
    const rest = this.#peek();
    if (rest.kind !== 'eof') this.#fail(rest, `unexpected ${describe(rest)} after the end of the expression`);
    return root;
  }

  #peek(): Token {
    return this.tokens[this.#index]!;
  }

  #next(): Token {
    const token = this.tokens[this.#index]!;
    if (token.kind !== 'eof') this.#index += 1;
    return token;
  }

  #fail(token: Token, reason: string): never {
    throw new SelectorParseError(this.selector, token.position, reason);
  }

  #or(): SelectorNode {
    const operands = [this.#and()];
    while (this.#peek().kind === 'or') {
      this.#next();
      operands.push(this.#and());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }

  #and(): SelectorNode {
    const operands = [this.#operation()];
    while (this.#peek().kind === 'and') {
      this.#next();
      operands.push(this.#operation());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }

  #operation(): SelectorNode {
    let negated = false;
    while (this.#peek().kind === 'not') {
      this.#next();
      negated = !negated;
    }
    const node = this.#positive();
    return negated ? { kind: 'not', operand: node } : node;
  }

  #positive(): SelectorNode {
    const token = this.#next();
    switch (token.kind) {
      case 'has': return { kind: 'has', label: token.value };
      case 'all': return { kind: 'all' };
      case 'global': return { kind: 'global' };
      case 'lparen': {
        const inner = this.#or();
        const close = this.#next();
        if (close.kind !== 'rparen') this.#fail(close, `expected ')' but found ${describe(close)}`);
        return inner;
      }
      case 'label': return this.#comparison(token);
      default: return this.#fail(token, `expected a label, has(), all(), global(), '!' or '(' but found ${describe(token)}`);
    }
  }

  #comparison(label: Token): SelectorNode {
    const operator = this.#next();
    if (VALUE_OPERATORS.has(operator.kind)) {
      const value = this.#next();
      if (value.kind !== 'string') this.#fail(value, `expected a quoted string after ${describe(operator)} but found ${describe(value)}`);
      return { kind: operator.kind as 'eq', label: label.value, value: value.value };
    }
    if (operator.kind === 'in' || operator.kind === 'notin') {
      const open = this.#next();
      if (open.kind !== 'lbrace') this.#fail(open, `expected a set literal '{…}' after ${describe(operator)} but found ${describe(open)}`);
      const values: string[] = [];
      while (this.#peek().kind === 'string') {
        values.push(this.#next().value);
        if (this.#peek().kind !== 'comma') break;
        this.#next();
      }
      const close = this.#next();
      if (close.kind !== 'rbrace') this.#fail(close, `expected '}' but found ${describe(close)}`);
      return { kind: operator.kind, label: label.value, values: toStringSet(values) };
    }
    return this.#fail(operator, `expected an operator after label ${JSON.stringify(label.value)} but found ${describe(operator)}`);
  }
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'eof': return 'the end of the selector';
    case 'label': return `label ${JSON.stringify(token.value)}`;
    case 'string': return `string ${JSON.stringify(token.value)}`;
    default: return `'${TOKEN_TEXT[token.kind] ?? token.kind}'`;
  }
}

const TOKEN_TEXT: Partial<Record<Token['kind'], string>> = {
  lbrace: '{', rbrace: '}', comma: ',', eq: '==', ne: '!=', in: 'in', not: '!', notin: 'not in', contains: 'contains',
  startswith: 'starts with', endswith: 'ends with', all: 'all()', has: 'has()', global: 'global()', lparen: '(', rparen: ')',
  and: '&&', or: '||',
};

/** Parses a selector into its syntax tree; throws SelectorParseError with position and reason. */
export function parseSelectorTree(selector: string): SelectorNode {
  return new Parser(selector, tokenize(selector)).parse();
}
