import { readFileContents } from '../src/adapters/datastore/file-documents.js';
import { toYaml, yamlClusterObjects } from '../bench/synthetic-yaml.js';
const objects = yamlClusterObjects({ namespaces: 500, pods: 100000, nodes: 500, policies: 10000 });
const texts: string[] = [];
for (let start = 0; start < objects.length; start += 1000) texts.push(toYaml(objects.slice(start, start + 1000)));
const t = performance.now();
let records = 0;
for (const [i, text] of texts.entries()) records += readFileContents(`f${i}.yaml`, text).records.length;
console.log('parse+convert', ((performance.now() - t) / 1000).toFixed(2), 's', records, 'records', texts.length, 'files');
