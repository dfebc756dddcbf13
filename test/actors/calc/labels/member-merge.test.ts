import { describe, expect, it } from 'vitest';
import type { SequencerEvent } from '../../../../src/actors/calc/graph/events.js';
import { MemberCalculator } from '../../../../src/actors/calc/labels/member-calculator.js';
import type { IpSetSpec, MemberSource } from '../../../../src/actors/calc/labels/member-calculator.js';
import { MemberMerge } from '../../../../src/actors/calc/labels/member-merge.js';
import { shardOfKey } from '../../../../src/actors/calc/actors/member-shards.js';
import { parseSelector } from '../../../../src/actors/calc/selector/selector.js';
import { createRandom } from '../../../../src/runtime/random.js';

/** N member-calculator shards (no overlap suppression, as the wiring runs them) feeding one merge. */
function shardedMembers(shards: number, options: { suppressOverlaps?: boolean } = {}) {
  const events: SequencerEvent[] = [];
  const merge = new MemberMerge((event) => events.push(event), options);
  const calculators = Array.from({ length: shards }, () => new MemberCalculator({
    onMemberAdded: (id, member) => merge.onShardEvent({ kind: 'member-added', id, member }),
    onMemberRemoved: (id, member) => merge.onShardEvent({ kind: 'member-removed', id, member }),
  }, { suppressOverlaps: false }));
  return {
    merge,
    events,
    addIpSet(id: string, spec: IpSetSpec) {
      for (const calculator of calculators) {
        merge.onShardEvent({ kind: 'ipset-added', id, type: spec.namedPort === undefined ? 'NET' : 'IP_AND_PORT', meta: { selector: spec.selector.canonical } });
        calculator.addIpSet(id, spec);
      }
    },
    removeIpSet(id: string) {
      for (const calculator of calculators) {
        calculator.removeIpSet(id);
        merge.onShardEvent({ kind: 'ipset-removed', id });
      }
    },
    shard: (index: number) => calculators[index]!,
    update: (key: string, source: MemberSource) => calculators[shardOfKey(key, shards) - 1]!.updateSource(key, source),
    remove: (key: string) => calculators[shardOfKey(key, shards) - 1]!.removeSource(key),
  };
}

const source = (labels: Record<string, string>, nets: string[], isNetworkSet = false): MemberSource => ({ labels, parents: [], nets, ports: [], isNetworkSet });
const ALL: IpSetSpec = { selector: parseSelector('all()') };
const brief = (events: readonly SequencerEvent[]) => events.map((event) => ('member' in event ? `${event.kind} ${event.member}` : event.kind));

describe('MemberMerge', () => {
  it('announces a set once, and removes it only after the last shard has', () => {
    const sharded = shardedMembers(3);
    sharded.addIpSet('s', ALL);
    expect(brief(sharded.events)).toEqual(['ipset-added']);
    sharded.merge.onShardEvent({ kind: 'ipset-removed', id: 's' });
    sharded.merge.onShardEvent({ kind: 'ipset-removed', id: 's' });
    expect(brief(sharded.events)).toEqual(['ipset-added']);
    sharded.merge.onShardEvent({ kind: 'ipset-removed', id: 's' });
    expect(brief(sharded.events)).toEqual(['ipset-added', 'ipset-removed']);
  });

  it('counts a member once however many shards give it, and removes it with the last', () => {
    const sharded = shardedMembers(2);
    sharded.addIpSet('s', ALL);
    sharded.shard(0).updateSource('a', source({}, ['10.0.0.9/32']));
    sharded.shard(1).updateSource('b', source({}, ['10.0.0.9/32']));
    sharded.shard(0).removeSource('a');
    expect(brief(sharded.events)).toEqual(['ipset-added', 'member-added 10.0.0.9/32']);
    sharded.shard(1).removeSource('b');
    expect(brief(sharded.events)).toEqual(['ipset-added', 'member-added 10.0.0.9/32', 'member-removed 10.0.0.9/32']);
  });

  it('suppresses a CIDR that a broader one on another shard covers, and shows it again when that goes', () => {
    const sharded = shardedMembers(2);
    sharded.addIpSet('s', ALL);
    sharded.shard(0).updateSource('pod', source({}, ['10.1.2.3/32']));
    sharded.shard(1).updateSource('net', source({}, ['10.1.0.0/16'], true));
    expect(sharded.merge.members('s')).toEqual(['10.1.0.0/16']);
    sharded.shard(1).removeSource('net');
    expect(sharded.merge.members('s')).toEqual(['10.1.2.3/32']);
    expect(brief(sharded.events)).toEqual(['ipset-added', 'member-added 10.1.2.3/32', 'member-added 10.1.0.0/16', 'member-removed 10.1.2.3/32', 'member-added 10.1.2.3/32', 'member-removed 10.1.0.0/16']);
  });

  it('keeps every member with suppression off', () => {
    const sharded = shardedMembers(2, { suppressOverlaps: false });
    sharded.addIpSet('s', ALL);
    sharded.shard(0).updateSource('pod', source({}, ['10.1.2.3/32']));
    sharded.shard(1).updateSource('net', source({}, ['10.1.0.0/16'], true));
    expect(sharded.merge.members('s').sort()).toEqual(['10.1.0.0/16', '10.1.2.3/32']);
  });

  it('treats a shard event it cannot place as a broken invariant', () => {
    const merge = new MemberMerge(() => undefined);
    expect(() => merge.onShardEvent({ kind: 'member-added', id: 'nope', member: '10.0.0.1/32' })).toThrow(/no shard announced/);
    expect(() => merge.onShardEvent({ kind: 'ipset-removed', id: 'nope' })).toThrow(/never announced/);
    expect(() => merge.onShardEvent({ kind: 'config', config: {} })).toThrow(/a member shard sent config/);
    merge.onShardEvent({ kind: 'ipset-added', id: 's', type: 'NET', meta: { selector: 'all()' } });
    expect(() => merge.onShardEvent({ kind: 'member-removed', id: 's', member: '10.0.0.1/32' })).toThrow(/removed more often than added/);
  });

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`over 3 shards, a random run of endpoint, network set and IP set changes ends with one calculator's members (seed ${seed})`, () => {
      const generator = createRandom(seed);
      const random = () => generator.float();
      const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
      const single = new MemberCalculator({ onMemberAdded: () => undefined, onMemberRemoved: () => undefined });
      const sharded = shardedMembers(3);
      const sets: Record<string, IpSetSpec> = {
        web: { selector: parseSelector("app == 'web'") }, all: ALL, db: { selector: parseSelector("app == 'db' || tier == 'back'") },
      };
      const nets = ['10.0.0.1/32', '10.0.0.2/32', '10.0.1.7/32', '10.0.0.0/24', '10.0.0.0/16', '10.0.0.2/32', 'fd00::1/128', 'fd00::/64'];
      const active = new Set<string>();
      for (let step = 0; step < 400; step += 1) {
        const roll = random();
        if (roll < 0.1) {
          const id = pick(Object.keys(sets));
          if (active.has(id)) { single.removeIpSet(id); sharded.removeIpSet(id); active.delete(id); }
          else { single.addIpSet(id, sets[id]!); sharded.addIpSet(id, sets[id]!); active.add(id); }
        } else if (roll < 0.25) {
          const key = `ep-${Math.floor(random() * 12)}`;
          single.removeSource(key);
          sharded.remove(key);
        } else {
          const key = roll < 0.35 ? `net-${Math.floor(random() * 3)}` : `ep-${Math.floor(random() * 12)}`;
          const value = source({ app: pick(['web', 'db', 'cache']), tier: pick(['front', 'back']) }, [pick(nets), pick(nets)], key.startsWith('net'));
          single.updateSource(key, value);
          sharded.update(key, value);
        }
        for (const id of active) expect(sharded.merge.members(id).sort(), `${id} after step ${step}`).toEqual(single.members(id).sort());
      }
      // Every member event falls inside its set's life, and no member is added twice or removed unadded.
      const live = new Map<string, Set<string>>();
      for (const event of sharded.events) {
        if (event.kind === 'ipset-added') live.set(event.id, new Set());
        else if (event.kind === 'ipset-removed') { expect(live.get(event.id)?.size).toBe(0); live.delete(event.id); }
        else if (event.kind === 'member-added') { expect(live.get(event.id)?.has(event.member)).toBe(false); live.get(event.id)!.add(event.member); }
        else if (event.kind === 'member-removed') expect(live.get(event.id)?.delete(event.member)).toBe(true);
      }
    });
  }
});
