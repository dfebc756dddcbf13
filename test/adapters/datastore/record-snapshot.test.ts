import { describe, expect, it } from 'vitest';
import type { ModelRecord } from '../../../src/adapters/datastore/convert/resource.js';
import { RecordSnapshot, recordKey } from '../../../src/adapters/datastore/record-snapshot.js';

const endpoint = (pod: string, ip: string): ModelRecord => ({
  type: 'WorkloadEndpoint',
  key: { hostname: 'node-1', orchestratorId: 'k8s', workloadId: `shop/${pod}`, endpointId: 'eth0' },
  value: { state: 'active', name: `cali${pod}`, ipv4Nets: [`${ip}/32`], ipv6Nets: [], profileIds: ['kns.shop'], labels: {}, ports: [] },
});

/** What a run published: every record `changes()` ever returned, applied in order. */
function published(snapshot: RecordSnapshot, into = new Map<string, ModelRecord>()): Map<string, ModelRecord> {
  for (const record of snapshot.changes()) {
    if (record.value === null) into.delete(recordKey(record));
    else into.set(recordKey(record), record);
  }
  return into;
}

describe('a record snapshot restored from a previous run', () => {
  it('sends nothing for what its sources still provide, built-in and implied records included', () => {
    const before = new RecordSnapshot();
    before.set('pods/a', [endpoint('a', '10.0.0.1')]);
    const stored = published(before);
    expect([...stored.keys()]).toContain('ProfileRules:{"name":"kns.shop"}'); // implied by the endpoint

    const after = new RecordSnapshot();
    after.restore(stored.values(), [['pods/a', [recordKey(endpoint('a', '10.0.0.1'))]]]);
    expect(after.changes()).toEqual([]);
  });

  it('deletes stored records no source claims, and follows a claimed source as it changes', () => {
    const before = new RecordSnapshot();
    before.set('pods/a', [endpoint('a', '10.0.0.1')]);
    before.set('pods/b', [endpoint('b', '10.0.0.2')]);
    const stored = published(before);

    const after = new RecordSnapshot();
    after.restore(stored.values(), [['pods/a', [recordKey(endpoint('a', '10.0.0.1'))]]]); // b unclaimed
    expect(after.changes()).toEqual([{ type: 'WorkloadEndpoint', key: endpoint('b', '').key, value: null }]);
    after.set('pods/a', [endpoint('a', '10.0.0.9')]);
    expect(after.changes()).toEqual([endpoint('a', '10.0.0.9')]);
    after.delete('pods/a');
    // The last endpoint naming kns.shop is gone: so are the profile records it implied.
    expect(after.changes().map((record) => `${record.type} ${JSON.stringify(record.key)} ${record.value === null ? 'deleted' : ''}`).sort()).toEqual([
      'ProfileLabels {"name":"kns.shop"} deleted',
      'ProfileRules {"name":"kns.shop"} deleted',
      'WorkloadEndpoint {"hostname":"node-1","orchestratorId":"k8s","workloadId":"shop/a","endpointId":"eth0"} deleted',
    ]);
  });
});
