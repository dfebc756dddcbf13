import { describe, expect, it } from 'vitest';
import { Placement, PlacementError } from '../../../src/runtime/threads/placement.js';

describe('placement', () => {
  const placement = new Placement({ actors: { '/calc/member-calc': 'worker:1', '/calc/*': 'worker:2', '/flows/**': 'worker:1', '/calc/source': 'main' } });

  it('puts a path where its most specific rule says: the exact path, then the longest group', () => {
    expect(placement.threadOf('/calc/member-calc')).toBe('worker:1');
    expect(placement.threadOf('/calc/policy-resolver')).toBe('worker:2');
    expect(placement.threadOf('/calc/source')).toBe('main');
    expect(placement.threadOf('/calc/deeper/child')).toBe('main'); // `*` is one level
    expect(placement.threadOf('/flows/capture/eth0')).toBe('worker:1'); // `**` is every level
    expect(placement.threadOf('/tagger')).toBe('main');
  });

  it('starts as many workers as the highest one named, unless told more', () => {
    expect(placement.workers).toBe(2);
    expect(new Placement({ workers: 3, actors: { '/a/*': 'worker:1' } }).workers).toBe(3);
    expect(Placement.MAIN.multiThreaded).toBe(false);
  });

  it('routes the reply address of an ask made on a worker back to that worker', () => {
    expect(placement.threadOf('/_ask/w2/17')).toBe('worker:2');
    expect(placement.threadOf('/_ask/17')).toBe('main');
  });

  it('refuses a rule it cannot follow, saying which', () => {
    expect(() => new Placement({ actors: { '/a': 'worker:0' } })).toThrow(/placement rule \/a: "worker:0" is not a thread/);
    expect(() => new Placement({ actors: { a: 'main' } })).toThrow(PlacementError);
    expect(() => new Placement({ workers: 1, actors: { '/a/*': 'worker:2' } })).toThrow('a rule names worker:2 but only 1 worker would start');
    expect(() => placement.checkSupervisor('/calc/member-calc')).toThrow('supervisors run on main');
  });
});
