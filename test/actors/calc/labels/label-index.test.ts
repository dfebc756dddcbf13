import { describe, expect, it } from 'vitest';
import { LabelIndex } from '../../../../src/actors/calc/labels/label-index.js';
import { parseSelector } from '../../../../src/actors/calc/selector/selector.js';
import { createRandom } from '../../../../src/runtime/random.js';

function recordingIndex() {
  const events: string[] = [];
  const index = new LabelIndex<string, string>({
    onMatchStarted: (selector, item) => events.push(`+${selector}:${item}`),
    onMatchStopped: (selector, item) => events.push(`-${selector}:${item}`),
  });
  return { index, events };
}

describe('LabelIndex', () => {
  it('matches selectors and items whichever arrives first, and follows label changes', () => {
    const { index, events } = recordingIndex();
    index.updateItem('ep1', { app: 'web' }, []);
    index.updateSelector('web', parseSelector("app == 'web'"));
    index.updateSelector('db', parseSelector("app == 'db'"));
    index.updateItem('ep2', { app: 'db' }, []);
    index.updateItem('ep1', { app: 'db' }, []);
    index.deleteItem('ep2');
    index.deleteSelector('db');
    expect(events).toEqual(['+web:ep1', '+db:ep2', '+db:ep1', '-web:ep1', '-db:ep2', '-db:ep1']);
  });

  it('inherits labels from parents in order, with the item’s own labels winning', () => {
    const { index } = recordingIndex();
    index.updateParentLabels('kns.prod', { env: 'prod', team: 'a' });
    index.updateParentLabels('ksa.prod.default', { team: 'b', sa: 'default' });
    index.updateSelector('team-a-prod', parseSelector("team == 'a' && env == 'prod'"));
    index.updateSelector('team-b', parseSelector("team == 'b'"));
    index.updateSelector('override', parseSelector("env == 'staging'"));
    index.updateItem('ep', { env: 'staging' }, ['kns.prod', 'ksa.prod.default']);
    expect([...index.matchesOf('ep')].sort()).toEqual(['override']);
    index.updateItem('ep', {}, ['kns.prod', 'ksa.prod.default']);
    expect([...index.matchesOf('ep')].sort()).toEqual(['team-a-prod']);
    index.updateParentLabels('kns.prod', { env: 'prod' });
    expect([...index.matchesOf('ep')].sort()).toEqual(['team-b']);
    index.updateParentLabels('ksa.prod.default', undefined);
    expect([...index.matchesOf('ep')]).toEqual([]);
  });

  it('re-evaluates a selector whose text changed', () => {
    const { index } = recordingIndex();
    index.updateItem('a', { x: '1' }, []);
    index.updateItem('b', { x: '2' }, []);
    index.updateSelector('s', parseSelector("x == '1'"));
    index.updateSelector('s', parseSelector("x in {'2'}"));
    expect([...index.itemsMatching('s')]).toEqual(['b']);
  });

  it('evaluates only candidate selectors on an item update, not every selector', () => {
    const { index } = recordingIndex();
    for (let i = 0; i < 1000; i += 1) index.updateSelector(`s${i}`, parseSelector(`app == 'app-${i}'`));
    index.updateSelector('impossible', parseSelector("a == 'x' && a == 'y'"));
    index.updateSelector('everything', parseSelector('all()'));
    const before = index.evaluations;
    index.updateItem('ep', { app: 'app-7' }, []);
    expect(index.evaluations - before).toBe(2); // s7 and all()
    expect([...index.matchesOf('ep')].sort()).toEqual(['everything', 's7']);
  });

  it('agrees with brute-force evaluation under random churn', () => {
    const random = createRandom(2024);
    const pick = <T>(items: readonly T[]): T => items[random.int(0, items.length - 1)]!;
    const { index } = recordingIndex();
    const keys = ['app', 'tier', 'env'];
    const values = ['a', 'b', 'c'];
    const selectorTexts = [
      "app == 'a'", "app != 'a'", "app in {'a', 'b'}", "tier not in {'c'}", 'has(env)', '!has(env)',
      "app == 'a' && tier == 'b'", "app == 'a' || env == 'c'", "env starts with 'b'", 'all()', "!(app == 'b')",
      "app == 'a' && app == 'b'", "has(app) && !has(tier)",
    ];
    const selectors = new Map<string, string>();
    const items = new Map<string, { own: Record<string, string>; parents: string[] }>();
    const parents = new Map<string, Record<string, string>>();
    const randomLabels = () => Object.fromEntries(keys.filter(() => random.int(0, 2) > 0).map((key) => [key, pick(values)]));
    for (let step = 0; step < 3000; step += 1) {
      const roll = random.int(0, 9);
      if (roll < 2) { const id = `s${random.int(0, 9)}`; const text = pick(selectorTexts); selectors.set(id, text); index.updateSelector(id, parseSelector(text)); }
      else if (roll < 3) { const id = `s${random.int(0, 9)}`; selectors.delete(id); index.deleteSelector(id); }
      else if (roll < 6) { const id = `i${random.int(0, 19)}`; const item = { own: randomLabels(), parents: ['p0', 'p1', 'p2'].filter(() => random.int(0, 1) === 1) }; items.set(id, item); index.updateItem(id, item.own, item.parents); }
      else if (roll < 7) { const id = `i${random.int(0, 19)}`; items.delete(id); index.deleteItem(id); }
      else { const id = `p${random.int(0, 2)}`; const labels = random.int(0, 3) === 0 ? undefined : randomLabels(); if (labels === undefined) parents.delete(id); else parents.set(id, labels); index.updateParentLabels(id, labels); }
    }
    for (const [itemId, item] of items) {
      const lookup = (name: string) => item.own[name] ?? item.parents.map((parent) => parents.get(parent)?.[name]).find((value) => value !== undefined);
      const expected = [...selectors].filter(([, text]) => parseSelector(text).matches(lookup)).map(([id]) => id).sort();
      expect([...index.matchesOf(itemId)].sort(), itemId).toEqual(expected);
    }
  });
});
