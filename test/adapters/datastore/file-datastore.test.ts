import { describe, expect, it } from 'vitest';
import { FileDatastore } from '../../../src/adapters/datastore/file-datastore.js';
import type { DatastoreSink } from '../../../src/adapters/datastore/file-datastore.js';
import { MemoryFileSystem } from '../../../src/adapters/datastore/file-system.js';
import { InlineParser, PooledParser } from '../../../src/adapters/datastore/file-parser.js';
import type { FileParser } from '../../../src/adapters/datastore/file-parser.js';
import type { ModelRecord } from '../../../src/adapters/datastore/convert/resource.js';
import type { SyncStatus } from '../../../src/actors/calc/graph/events.js';
import { SimulatedClock } from '../../../src/runtime/clock.js';

class RecordingSink implements DatastoreSink {
  readonly batches: { updates: readonly ModelRecord[]; revision: number }[] = [];
  readonly statuses: SyncStatus[] = [];
  readonly problems: string[] = [];
  onUpdates(updates: readonly ModelRecord[], revision: number): void { this.batches.push({ updates, revision }); }
  onStatus(status: SyncStatus): void { this.statuses.push(status); }
  onProblem(message: string): void { this.problems.push(message); }
  last(): readonly string[] {
    return this.batches.at(-1)!.updates.map((record) => `${record.value === null ? '-' : '+'}${record.type} ${Object.values(record.key).join('/')}`);
  }
}

const namespace = (name: string, labels = '{}') => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}, labels: ${labels}}\n`;
const pod = (name: string, ip: string, labels = '{app: web}') => `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: shop, labels: ${labels}}\nspec: {nodeName: node-1}\nstatus: {podIP: ${ip}}\n`;

async function started(files: Record<string, string>) {
  const fs = new MemoryFileSystem();
  for (const [path, text] of Object.entries(files)) fs.files.set(path, text);
  const clock = new SimulatedClock();
  const sink = new RecordingSink();
  const datastore = new FileDatastore('/cluster', { fs, clock });
  await datastore.start(sink);
  const change = async (apply: () => void) => {
    apply();
    clock.advance(100);
    await datastore.settled();
  };
  return { fs, clock, sink, datastore, change };
}

describe('the file datastore', () => {
  it('loads a tree of multi-document YAML, Lists and model KV lines, then reports InSync', async () => {
    const { sink } = await started({
      '/cluster/ns.yaml': `${namespace('shop')}---\n${namespace('bank')}`,
      '/cluster/pods/list.yaml': `apiVersion: v1\nkind: List\nitems:\n- ${JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'shop' }, spec: { nodeName: 'node-1' }, status: { podIP: '10.0.0.1' } })}\n`,
      '/cluster/extra.jsonl': JSON.stringify({ type: 'GlobalConfig', key: { name: 'LogSeverityScreen' }, value: 'Info' }),
    });
    expect(sink.statuses).toEqual(['WaitForDatastore', 'ResyncInProgress', 'InSync']);
    expect(sink.batches).toHaveLength(1);
    expect(sink.batches[0]!.revision).toBe(1);
    expect(sink.last()).toEqual(expect.arrayContaining([
      '+Tier default', '+ProfileRules kns.shop', '+ProfileLabels kns.bank', '+WorkloadEndpoint node-1/k8s/shop/a/eth0', '+GlobalConfig LogSeverityScreen',
      '+ProfileRules ksa.shop.default', // the service account the pod runs as, as the API server would have made it
    ]));
    expect(sink.problems).toEqual([]);
  });

  it('reports a bad document with file, line, document, kind, name and reason, and loads the rest', async () => {
    const { sink } = await started({
      '/cluster/a.yaml': `${namespace('shop')}---\n${pod('bad', '10.0.0.999')}---\n${pod('good', '10.0.0.2')}---\nkey: [unclosed\n`,
    });
    expect(sink.problems).toEqual([
      '/cluster/a.yaml:5: document 1 Pod shop/bad: pod IP "10.0.0.999" is not an IP address (left out)',
      expect.stringMatching(/^\/cluster\/a\.yaml:\d+: document 3: not valid YAML: .* \(left out\)$/),
    ]);
    expect(sink.last()).toContain('+WorkloadEndpoint node-1/k8s/shop/good/eth0');
    expect(sink.last()).not.toContain('+WorkloadEndpoint node-1/k8s/shop/bad/eth0');
  });

  it('follows changes: a new file adds, a changed object updates, a deleted file deletes, each with the next revision', async () => {
    const { fs, sink, change } = await started({ '/cluster/ns.yaml': namespace('shop') });
    await change(() => fs.write('/cluster/pods.yaml', pod('a', '10.0.0.1')));
    expect(sink.last()).toEqual(['+WorkloadEndpoint node-1/k8s/shop/a/eth0', '+ProfileRules ksa.shop.default', '+ProfileLabels ksa.shop.default']);
    await change(() => fs.write('/cluster/pods.yaml', pod('a', '10.0.0.7')));
    expect(sink.last()).toEqual(['+WorkloadEndpoint node-1/k8s/shop/a/eth0']);
    expect((sink.batches.at(-1)!.updates[0]!.value as { ipv4Nets: string[] }).ipv4Nets).toEqual(['10.0.0.7/32']);
    await change(() => fs.delete('/cluster/pods.yaml'));
    expect(sink.last()).toEqual(['-WorkloadEndpoint node-1/k8s/shop/a/eth0', '-ProfileRules ksa.shop.default', '-ProfileLabels ksa.shop.default']);
    expect(sink.batches.map((batch) => batch.revision)).toEqual([1, 2, 3, 4]);
  });

  it('reads a burst of changes once, after the debounce', async () => {
    const { fs, clock, sink, datastore } = await started({ '/cluster/ns.yaml': namespace('shop') });
    fs.write('/cluster/p1.yaml', pod('a', '10.0.0.1'));
    clock.advance(50);
    fs.write('/cluster/p2.yaml', pod('b', '10.0.0.2'));
    clock.advance(99);
    await datastore.settled();
    expect(sink.batches).toHaveLength(1);
    clock.advance(1);
    await datastore.settled();
    expect(sink.batches).toHaveLength(2);
    expect(sink.last().filter((line) => line.startsWith('+WorkloadEndpoint'))).toHaveLength(2);
  });

  it("makes a namespace's profile when no file has the Namespace, and replaces it when one appears", async () => {
    const { fs, sink, change } = await started({ '/cluster/pods.yaml': pod('a', '10.0.0.1') });
    expect(sink.last()).toContain('+ProfileLabels kns.shop');
    await change(() => fs.write('/cluster/ns.yaml', namespace('shop', '{team: a}')));
    expect(sink.last()).toEqual(['+ProfileLabels kns.shop']);
  });

  it('refuses a root that does not exist, naming it', async () => {
    const datastore = new FileDatastore('/nowhere', { fs: new MemoryFileSystem(), clock: new SimulatedClock() });
    await expect(datastore.start(new RecordingSink())).rejects.toThrow('/nowhere: cannot read: no such file or directory');
  });
});

describe('the file datastore with a parser pool', () => {
  const tree = () => {
    const fs = new MemoryFileSystem();
    for (let file = 0; file < 12; file += 1) {
      const docs = [namespace(`ns-${file}`, `{team: t${file % 3}}`), ...Array.from({ length: 20 }, (_, index) => pod(`p-${file}-${index}`, `10.${file}.0.${index + 1}`))];
      fs.files.set(`/cluster/f-${String(file).padStart(2, '0')}.yaml`, docs.join('---\n'));
    }
    fs.files.set('/cluster/broken.yaml', 'kind: Pod\nmetadata: [not, a, mapping\n');
    return fs;
  };
  const load = async (parser?: () => FileParser) => {
    const sink = new RecordingSink();
    const datastore = new FileDatastore('/cluster', { fs: tree(), clock: new SimulatedClock(), ...(parser === undefined ? {} : { parser }) });
    await datastore.start(sink);
    return sink;
  };

  it('parses on piscina\'s threads and takes the files in, in file order, exactly as parsed in place', async () => {
    let pool: PooledParser | undefined;
    const pooled = await load(() => (pool = new PooledParser(2)));
    const inline = await load();
    expect(pool?.threads).toBe(2);
    expect(pooled.batches.map((batch) => batch.updates)).toEqual(inline.batches.map((batch) => batch.updates));
    expect(pooled.problems).toEqual(inline.problems);
    expect(pooled.problems.some((problem) => problem.startsWith('/cluster/broken.yaml'))).toBe(true);
    expect(pooled.statuses).toEqual(['WaitForDatastore', 'ResyncInProgress', 'InSync']);
  });

  it('keeps a few files per thread in flight and closes the pool once every file is in', async () => {
    let inFlight = 0;
    let most = 0;
    let closed = false;
    const counting: FileParser = {
      threads: 2,
      parse: async (file, text) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        const contents = await new InlineParser().parse(file, text);
        inFlight -= 1;
        return contents;
      },
      close: async () => { closed = true; },
    };
    await load(() => counting);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(8);
    expect(closed).toBe(true);
  });
});
