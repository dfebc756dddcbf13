import { describe, expect, it } from 'vitest';
import { FlushThrottle } from '../../../../src/actors/calc/graph/flush-throttle.js';
import { isLocal, routeUpdate, validateRecords } from '../../../../src/actors/calc/graph/dispatcher.js';
import { validateRecord } from '../../../../src/actors/calc/model/validate.js';

describe('FlushThrottle', () => {
  it('allows a burst of 10 flushes, then one per 10 ms', () => {
    const throttle = new FlushThrottle(0);
    const allowed = Array.from({ length: 12 }, () => throttle.tryTake(0)).filter(Boolean).length;
    expect(allowed).toBe(10);
    expect(throttle.waitMs(0)).toBe(10);
    expect(throttle.tryTake(5)).toBe(false);
    expect(throttle.tryTake(10)).toBe(true);
    expect(throttle.tryTake(1_000)).toBe(true);
    expect(Array.from({ length: 12 }, () => throttle.tryTake(1_000)).filter(Boolean).length).toBe(9);
  });

  it('rejects a bucket that could never flush', () => {
    expect(() => new FlushThrottle(0, { burst: 0 })).toThrow(RangeError);
  });
});

describe('dispatcher routing', () => {
  const endpoint = (hostname: string) => validateRecord({ type: 'WorkloadEndpoint', key: { hostname, orchestratorId: 'k8s', workloadId: 'a/b', endpointId: 'eth0' }, value: { name: 'x' } }).update!;

  it('sends local endpoints to the ARC, resolver and members, remote ones only to members', () => {
    expect(routeUpdate(endpoint('h1'), 'h1')).toEqual(['arc', 'resolver', 'members']);
    expect(routeUpdate(endpoint('h2'), 'h1')).toEqual(['members']);
    expect(isLocal(endpoint('h1'), 'h1')).toBe(true);
  });

  it('sends policies to the ARC and resolver, profile labels to the ARC and members, config to the batcher', () => {
    expect(routeUpdate({ type: 'Policy', key: { kind: 'K', namespace: '', name: 'p' }, value: null }, 'h1')).toEqual(['arc', 'resolver']);
    expect(routeUpdate({ type: 'ProfileLabels', key: { name: 'p' }, value: null }, 'h1')).toEqual(['arc', 'members']);
    expect(routeUpdate({ type: 'HostConfig', key: { hostname: 'h1', name: 'x' }, value: null }, 'h1')).toEqual(['config']);
  });

  it('passes an invalid value on as a deletion and drops a record of unknown type, reporting both', () => {
    const invalid: string[] = [];
    const updates = validateRecords([
      { type: 'NetworkSet', key: { name: 'n' }, value: { nets: ['nonsense'] } },
      { type: 'Nope', key: {}, value: 1 },
    ], (record) => invalid.push(record.type));
    expect(updates).toEqual([{ type: 'NetworkSet', key: { name: 'n' }, value: null }]);
    expect(invalid).toEqual(['NetworkSet', 'Nope']);
  });
});
