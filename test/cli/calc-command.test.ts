import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryModelSource } from '../../src/adapters/datastore/model-file.js';
import { calcCommand } from '../../src/cli/calc-command.js';
import { captured } from './captured.js';
import type { CalcOptions } from '../../src/cli/calc-command.js';
import { FrameDecoder } from '../../src/protocol/dataplane/codec.js';
import { STATE_LISTS } from '../actors/calc/states/states.js';
import { gnp } from '../actors/calc/states/resources.js';

const state = STATE_LISTS['namedPorts']![0]!;
const records = [...state.kvs, gnp('broken', { selector: 'app ==' })];

async function calc(options: Partial<CalcOptions>): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const result = await captured((out, err) => calcCommand({ datastore: 'memory', hostname: 'h1', format: 'json', wiring: 'actors', out, err, source: new MemoryModelSource(records), ...options }));
  return { code: result.code, stdout: result.stdoutBytes, stderr: result.stderr };
}

describe('troupe calc', () => {
  it('prints the dataplane view, the same from both wirings, and reports invalid records on stderr', async () => {
    const actors = await calc({ wiring: 'actors' });
    const fused = await calc({ wiring: 'fused' });
    expect(actors.code).toBe(0);
    expect(actors.stdout.toString()).toBe(fused.stdout.toString());
    const view = JSON.parse(actors.stdout.toString()) as { activePolicies: string[]; ipSets: Record<string, { members: string[] }> };
    expect(view.activePolicies).toEqual(['GlobalNetworkPolicy/ports']);
    expect(Object.keys(view.ipSets)).toHaveLength(6);
    expect(actors.stderr).toMatch(/invalid Policy .*"name":"broken".*selector.*\(treated as absent\)/);
  });

  it('--format jsonl prints one ToDataplane message per line, numbered from 0, ConfigUpdate first and InSync last', async () => {
    const { stdout } = await calc({ format: 'jsonl' });
    const messages = stdout.toString().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(messages.map((message) => message['sequenceNumber'])).toEqual(messages.map((_message, index) => index));
    expect(Object.keys(messages[0]!)).toContain('configUpdate');
    expect(Object.keys(messages.at(-1)!)).toContain('inSync');
  });

  it('--format proto writes the framed stream a dataplane driver decodes to the same messages', async () => {
    const jsonl = (await calc({ format: 'jsonl', wiring: 'fused' })).stdout.toString().trim().split('\n').map((line) => JSON.parse(line) as unknown);
    const { stdout } = await calc({ format: 'proto', wiring: 'fused' });
    const decoded = new FrameDecoder('to-dataplane').push(stdout);
    // protobuf omits a zero sequence number on the wire; it decodes as absent
    expect(decoded.map((message) => message.sequenceNumber ?? 0)).toEqual(jsonl.map((_m, index) => index));
    expect(decoded.map((message) => Object.keys(message).filter((key) => key !== 'sequenceNumber'))).toEqual(jsonl.map((message) => Object.keys(message as object).filter((key) => key !== 'sequenceNumber')));
  });
});

describe('the troupe calc process', () => {
  const troupe = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', timeout: 60_000 });

  it('exits 3 naming the file when the datastore cannot be read', () => {
    const result = troupe('calc', '--datastore', '/nonexistent/kvs.json', '--hostname', 'h1');
    expect(result.status).toBe(3);
    expect(result.stderr).toContain('/nonexistent/kvs.json: cannot read: no such file');
  });

  it('reads a JSON-lines file and exits 0', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'troupe-calc-')), 'kvs.jsonl');
    writeFileSync(path, records.map((record) => JSON.stringify(record)).join('\n'));
    const result = troupe('calc', '--datastore', `file:${path}`, '--hostname', 'h1');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ activePolicies: ['GlobalNetworkPolicy/ports'] });
  });

  it('rejects an unknown format with a usage error', () => {
    const result = troupe('calc', '--datastore', 'x', '--hostname', 'h1', '--format', 'xml');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('xml');
  });
});

describe('troupe calc on Kubernetes and Calico YAML', () => {
  it('reads the example cluster directory; both wirings agree', async () => {
    const run = (wiring: 'fused' | 'actors') => calc({ datastore: 'examples/cluster', hostname: 'node-1', wiring, source: undefined });
    const [actors, fused] = [await run('actors'), await run('fused')];
    expect(actors.code).toBe(0);
    expect(actors.stderr).toBe('');
    expect(actors.stdout.toString()).toBe(fused.stdout.toString());
    const view = JSON.parse(actors.stdout.toString()) as { activePolicies: string[]; endpoints: Record<string, unknown> };
    expect(view.activePolicies).toContain('KubernetesNetworkPolicy/bank/ledger-lockdown');
    expect(view.activePolicies).toContain('GlobalNetworkPolicy/security.baseline');
    expect(Object.keys(view.endpoints)).toHaveLength(10); // the pods on node-1
  });

  it('reports a bad document in a YAML tree and still computes the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'troupe-yaml-'));
    writeFileSync(join(dir, 'a.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\nspec: {nodeName: node-1}\nstatus: {podIP: 10.0.0.1}\n---\napiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: t}\nspec: {order: high}\n');
    const { code, stdout, stderr } = await calc({ datastore: dir, hostname: 'node-1', source: undefined });
    expect(code).toBe(0);
    expect(stderr).toContain(`${join(dir, 'a.yaml')}:7: document 1 Tier t: spec.order must be a number (left out)`);
    expect(Object.keys((JSON.parse(stdout.toString()) as { endpoints: object }).endpoints)).toEqual(['k8s/n/p/eth0']);
  });
});
