import { describe, expect, it } from 'vitest';
import { CALC_SPREAD_PLACEMENT } from '../../../../src/actors/calc/actors/calc-placement.js';
import { calcEdges } from '../../../../src/actors/calc/actors/calc-metrics.js';
import { CALC_PATHS } from '../../../../src/actors/calc/actors/calc-paths.js';
import { keyString } from '../../../../src/actors/calc/model/records.js';
import type { ModelUpdate } from '../../../../src/actors/calc/model/records.js';
import { checkShardCount, memberInputs, memberShardsOf, shardOfKey, shardOfUpdate } from '../../../../src/actors/calc/actors/member-shards.js';
import { Placement } from '../../../../src/runtime/threads/placement.js';

describe('member shards', () => {
  it('are asked for by placing them: the highest shard a placement names', () => {
    expect(memberShardsOf(new Placement(CALC_SPREAD_PLACEMENT))).toBe(2);
    expect(memberShardsOf(new Placement({ workers: 2, actors: { '/calc/member-shard-3': 'worker:1', '/calc/member-shard-1': 'worker:2' } }))).toBe(3);
    expect(memberShardsOf(new Placement({ workers: 1, actors: { [CALC_PATHS.members]: 'worker:1' } }))).toBe(1);
    expect(memberShardsOf(new Placement({}))).toBe(1);
  });

  it('own each key by a stable hash that spreads keys evenly', () => {
    const counts = [0, 0, 0];
    for (let index = 0; index < 3_000; index += 1) counts[shardOfKey(`WorkloadEndpoint/node-${index % 7}/k8s/ns/pod-${index}/eth0`, 3) - 1]! += 1;
    for (const count of counts) expect(count).toBeGreaterThan(900);
    expect(shardOfKey('NetworkSet/trusted-1', 4)).toBe(shardOfKey('NetworkSet/trusted-1', 4));
    const updates: ModelUpdate[] = [
      { type: 'WorkloadEndpoint', key: { hostname: 'n1', orchestratorId: 'k8s', workloadId: 'ns/pod-1', endpointId: 'eth0' }, value: null },
      { type: 'HostEndpoint', key: { hostname: 'n2', endpointId: 'eth1' }, value: null },
      { type: 'NetworkSet', key: { name: 'trusted' }, value: null },
    ];
    for (const update of updates) for (const shards of [2, 3, 5]) expect(shardOfUpdate(update, shards)).toBe(shardOfKey(keyString(update), shards));
  });

  it('refuse a count outside 1..8 with a message naming it', () => {
    expect(() => checkShardCount(0)).toThrow(/from 1 to 8, not 0/);
    expect(() => checkShardCount(2.5)).toThrow(/not 2.5/);
    expect(() => checkShardCount(8)).not.toThrow();
  });

  it('appear in the graph the inspection page draws, between the source and the merge', () => {
    const edges = calcEdges(2).map(({ from, to }) => `${from} -> ${to}`);
    expect(edges).toEqual(expect.arrayContaining([
      `${CALC_PATHS.source} -> /calc/member-shard-1`, `${CALC_PATHS.scanner} -> /calc/member-shard-2`,
      `/calc/member-shard-1 -> ${CALC_PATHS.members}`, `/calc/member-shard-2 -> ${CALC_PATHS.members}`, `${CALC_PATHS.members} -> ${CALC_PATHS.sequencer}`,
    ]));
    expect(edges).not.toContain(`${CALC_PATHS.source} -> ${CALC_PATHS.members}`);
    expect(memberInputs(1)).toEqual([CALC_PATHS.members]);
  });
});
