import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileDatastore } from '../src/adapters/datastore/file-datastore.js';
import { NodeFileSystem } from '../src/adapters/datastore/file-system.js';
import { PooledParser } from '../src/adapters/datastore/file-parser.js';
import { realClock } from '../src/runtime/clock.js';
import { toYaml, yamlClusterObjects } from '../bench/synthetic-yaml.js';
const dir = mkdtempSync(join(tmpdir(), 'rt-'));
const objects = yamlClusterObjects({ namespaces: 500, pods: 100000, nodes: 500, policies: 10000 });
for (let s = 0, f = 0; s < objects.length; s += 1000, f++) writeFileSync(join(dir, `o-${String(f).padStart(4, '0')}.yaml`), toYaml(objects.slice(s, s + 1000)));
for (const threads of [0, 2, 0, 2]) {
  const ds = new FileDatastore(dir, { fs: new NodeFileSystem(), clock: realClock, ...(threads > 0 ? { parser: () => new PooledParser(threads) } : {}) });
  let n = 0;
  const t = performance.now();
  await ds.start({ onUpdates: (u) => { n += u.length; }, onStatus: () => undefined, onProblem: () => undefined });
  console.log('threads', threads, ((performance.now() - t) / 1000).toFixed(2), 's', n);
  ds.stop();
}
