/**
 * Calico selector semantics. Vectors marked "Calico" come from libcalico-go's own parser tests, so
 * passing them means we parse, evaluate, print and hash exactly as Felix does.
 */
import { describe, expect, it } from 'vitest';
import { SelectorParseError, namedPortIpSetId, parseSelector } from '../../../../src/actors/calc/selector/selector.js';

type Labels = Record<string, string>;
const MATCHES: [string, Labels[], Labels[]][] = [
  ['a == "b"', [{ a: 'b' }, { a: 'b', c: 'd' }], [{}, { a: 'c' }, { c: 'd' }]],
  ['a == "b" && c == "d"', [{ a: 'b', c: 'd' }], [{}, { a: 'b', c: 'e' }, { a: 'c', c: 'd' }, { c: 'd' }, { a: 'b' }]],
  ['a == "b" || c == "d"', [{ a: 'b', c: 'd' }, { a: 'b' }, { c: 'd' }], [{}, { a: 'e', c: 'e' }, { c: 'e' }, { a: 'e' }]],
  [`a in {"'", '"', "c"}`, [{ a: 'c' }, { a: '"' }, { a: "'" }], [{}, { a: 'e' }]],
  [`a not in {"'", '"', "c"}`, [{}, { a: 'e' }], [{ a: 'c' }, { a: '"' }, { a: "'" }]],
  ['a != "a"', [{}, { a: 'b' }], [{ a: 'a' }]],
  ['a contains "a"', [{ a: 'a' }, { a: 'bab' }], [{}, { a: 'b' }, { b: 'aaa' }]],
  ['a starts with "a"', [{ a: 'abb' }], [{}, { a: 'baa' }, { b: 'aaa' }]],
  ['a startswith "a"', [{ a: 'abb' }], [{ a: 'baa' }]],
  ['a ends with "a"', [{ a: 'bba' }], [{}, { a: 'aab' }]],
  ['a endswith "a"', [{ a: 'bba' }], [{ a: 'aab' }]],
  ['a notin {"d", "e"}', [{ a: 'a' }, {}], [{ a: 'd' }]],
  ['a in {}', [], [{ a: '' }, {}]],
  ['!a in {"a"}', [{ a: 'b' }, {}], [{ a: 'a' }]],
  ['has(a)', [{ a: 'b' }, { a: '' }], [{ b: 'a' }]],
  ['!has(a)', [{ b: 'b' }], [{ a: 'b' }]],
  ['!!has(b)', [{ b: '' }], [{ a: 'b' }]],
  ['!! ! has(a)', [{}], [{ a: 'b' }]],
  ['', [{}, { a: 'b' }], []],
  [' \t', [{}], []],
  ['all()', [{}], []],
  [' global()', [{ a: 'b' }], []],
  ['!(!has(a) || has(b))', [{ a: 'a' }], [{ a: 'a', b: 'b' }, {}]],
  ["a != 'a1' && !b == 'b1'", [{ a: 'x', b: 'y' }], [{ a: 'a1', b: 'b1' }, { a: 'x', b: 'b1' }]],
  ["! a == 'a1' || ! b == 'b1'", [{ a: 'a1' }, {}], [{ a: 'a1', b: 'b1' }]],
  ["a == 'x' || b == 'y' && c == 'z'", [{ a: 'x' }, { b: 'y', c: 'z' }], [{ b: 'y' }]],
];

describe('selector evaluation', () => {
  for (const [text, yes, no] of MATCHES) {
    it(`${JSON.stringify(text)} matches what Calico matches, before and after canonicalising`, () => {
      const selector = parseSelector(text);
      const reparsed = parseSelector(selector.canonical);
      for (const labels of yes) {
        expect(selector.matches(labels), JSON.stringify(labels)).toBe(true);
        expect(reparsed.matches(labels)).toBe(true);
      }
      for (const labels of no) {
        expect(selector.matches(labels), JSON.stringify(labels)).toBe(false);
        expect(reparsed.matches(labels)).toBe(false);
      }
    });
  }

  it('evaluates against a lookup function (inherited labels computed on the fly)', () => {
    const profileLabels: Labels = { team: 'db' };
    const own: Labels = { app: 'pg' };
    const lookup = (name: string) => own[name] ?? profileLabels[name];
    expect(parseSelector("team == 'db' && app == 'pg'").matches(lookup)).toBe(true);
  });

  it('does not treat inherited object properties as labels', () => {
    expect(parseSelector('has(toString)').matches({})).toBe(false);
  });
});

describe('canonical form and IP set IDs (Calico vectors)', () => {
  const CANONICAL: [string, string, string?][] = [
    ['', 'all()', 's:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug'],
    [' all() ', 'all()', 's:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug'],
    [' (all() )', 'all()', 's:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug'],
    ['! (has( b)||! has(a ))', '!(has(b) || !has(a))', 's:Iss0uCleLYv1GSv_pNm7hAO58kE9jAx1NKyG3Q'],
    ['! (a == "b"&&! c != "d")', '!(a == "b" && !c != "d")', 's:lh3haoY1ikTRkd4UZu0nWSaIBknYLPJLX16d-w'],
    [`a == "'"`, `a == "'"`],
    [`a == '"'`, `a == '"'`],
    [`a contains '"'`, `a contains '"'`],
    [`a startswith '"'`, `a starts with '"'`],
    [`a endswith "'"`, `a ends with "'"`],
    [`a!='"'`, `a != '"'`],
    ['a in {"d", "a", "b"}', 'a in {"a", "b", "d"}'],
    ['a in {"z", "z", "x", "y", "x", "a"}', 'a in {"a", "x", "y", "z"}'],
    ["(all()) && !(foo == 'bar')", '(all() && !foo == "bar")'],
    ["k == 'v' && has(t) || all()", '((k == "v" && has(t)) || all())'],
  ];
  for (const [input, canonical, uniqueId] of CANONICAL) {
    it(`prints ${JSON.stringify(input)} as ${canonical}${uniqueId === undefined ? '' : ` with ID ${uniqueId}`}, and round-trips`, () => {
      const selector = parseSelector(input);
      expect(selector.canonical).toBe(canonical);
      expect(parseSelector(canonical).canonical).toBe(canonical);
      expect(parseSelector(canonical).uniqueId).toBe(selector.uniqueId);
      expect(selector.uniqueId).toMatch(/^s:[A-Za-z0-9_-]{38}$/);
      if (uniqueId !== undefined) expect(selector.uniqueId).toBe(uniqueId);
    });
  }

  it('derives named-port IP set IDs from the selector ID, protocol and port name', () => {
    const id = namedPortIpSetId(parseSelector('all()').uniqueId, 'tcp', 'http');
    expect(id).toMatch(/^n:[A-Za-z0-9_-]{38}$/);
    expect(id).not.toBe(namedPortIpSetId(parseSelector('all()').uniqueId, 'udp', 'http'));
  });
});

describe('parse errors', () => {
  const BAD = [
    'b == b', 'b contains b', 'b starts with b', 'b ends with b', "'b1' == b", 'b', 'a b', '!', 'foo == "bar" &',
    'foo == "bar" |', 'foo != ||', 'foo in {"", ||', 'foo in ""', '"FOO', `"FOO'`, "'FOO", '(', '(a == "foo"', ')', '()',
    '%', 'a == "b" && %', 'a == "b" || %', 'a ', 'has(foo) &&', 'has()', `${'x'.repeat(513)} == "a"`,
  ];
  for (const text of BAD) {
    it(`rejects ${JSON.stringify(text.length > 40 ? `${text.slice(0, 20)}…` : text)} (Calico rejects it too)`, () => {
      expect(() => parseSelector(text)).toThrow(SelectorParseError);
    });
  }

  it('names the position and the reason', () => {
    const error = (() => { try { parseSelector('a == "b" && c %'); } catch (caught) { return caught; } })() as SelectorParseError;
    expect(error.code).toBe('SELECTOR_ERR_PARSE');
    expect(error.position).toBe(14);
    expect(error.message).toBe('invalid selector "a == \\"b\\" && c %" at position 14: expected an operator after label "c"');
    expect(() => parseSelector('a in "x"')).toThrow("position 5: expected a set literal '{…}' after 'in' but found string \"x\"");
    expect(() => parseSelector('(a == "x"')).toThrow("position 9: expected ')' but found the end of the selector");
  });
});

describe('label restrictions', () => {
  const restrictions = (text: string) => Object.fromEntries(parseSelector(text).restrictions);
  it('== and in require presence with values; has and string matches require presence', () => {
    expect(restrictions("a == 'x' && b in {'2', '1'} && has(c) && d contains 'q'")).toEqual({
      a: { mustBePresent: true, mustBeAbsent: false, oneOfValues: ['x'] },
      b: { mustBePresent: true, mustBeAbsent: false, oneOfValues: ['1', '2'] },
      c: { mustBePresent: true, mustBeAbsent: false, oneOfValues: undefined },
      d: { mustBePresent: true, mustBeAbsent: false, oneOfValues: undefined },
    });
  });

  it('!has requires absence; != , not in and other negations say nothing', () => {
    expect(restrictions("!has(a) && b != 'x' && c not in {'y'} && !d == 'z'")).toEqual({
      a: { mustBePresent: false, mustBeAbsent: true, oneOfValues: undefined },
    });
  });

  it('&& intersects value sets (empty: can never match); || keeps only shared demands', () => {
    expect(restrictions("a == 'x' && a == 'y'")['a']?.oneOfValues).toEqual([]);
    expect(restrictions("a in {'x', 'y'} && a in {'y', 'z'}")['a']?.oneOfValues).toEqual(['y']);
    expect(restrictions("a == 'x' || a == 'y'")).toEqual({ a: { mustBePresent: true, mustBeAbsent: false, oneOfValues: ['x', 'y'] } });
    expect(restrictions("a == 'x' || has(a)")).toEqual({ a: { mustBePresent: true, mustBeAbsent: false, oneOfValues: undefined } });
    expect(restrictions("a == 'x' || b == 'y'")).toEqual({});
    expect(restrictions('all()')).toEqual({});
  });
});
