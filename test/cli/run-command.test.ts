import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MemoryFileSystem } from '../../src/adapters/datastore/file-system.js';
import { DataplaneState } from '../../src/actors/calc/output/dataplane-state.js';
import { EMBEDDED_CLUSTER, runCommand } from '../../src/cli/run-command.js';
import { FrameDecoder } from '../../src/protocol/dataplane/codec.js';
import type { ToDataplanePayload } from '../../src/protocol/dataplane/messages.js';
import { calcCommand } from '../../src/cli/calc-command.js';
import { KubeConfig } from '@kubernetes/client-node';
import { FakeApiServer } from '../adapters/kubernetes/fake-apiserver.js';

/** A stream whose text a test can wait on (no sleeping: it resolves when the line arrives). */
function watchedStream() {
  const stream = new PassThrough();
  let text = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    for (const waiter of [...waiters]) if (waiter.pattern.test(text)) { waiters.splice(waiters.indexOf(waiter), 1); waiter.resolve(); }
  });
  return {
    stream,
    text: () => text,
    waitFor: (pattern: RegExp) => new Promise<void>((resolve) => { if (pattern.test(text)) resolve(); else waiters.push({ pattern, resolve }); }),
  };
}

function exampleOnMemoryFs(): MemoryFileSystem {
  const fs = new MemoryFileSystem();
  for (const name of readdirSync(EMBEDDED_CLUSTER)) fs.files.set(`/cluster/${name}`, readFileSync(join(EMBEDDED_CLUSTER, name), 'utf8'));
  return fs;
}

/** Applies a dataplane file from its first frame (checking sequence numbers and Felix's invariants). */
function replay(file: string) {
  const state = new DataplaneState();
  const messages = new FrameDecoder('to-dataplane').push(readFileSync(file));
  for (const message of messages) state.apply(message as unknown as ToDataplanePayload);
  return { state, messages: messages.length };
}

const newPod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: late, namespace: shop, labels: {app: cart}}\nspec: {nodeName: node-1, containers: [{name: m, ports: [{name: http, containerPort: 8081}]}]}\nstatus: {podIP: 10.244.1.99}\n';

describe('troupe run --datastore k8s', () => {
  it('reaches InSync from a (fake) API server and follows its watch', async () => {
    const server = new FakeApiServer();
    const url = await server.start();
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({ clusters: [{ name: 'fake', server: url, skipTLSVerify: true }], users: [{ name: 'u', token: 't' }], contexts: [{ name: 'c', cluster: 'fake', user: 'u' }], currentContext: 'c' });
    server.put('/api/v1/namespaces', { metadata: { name: 'shop' } });
    server.put('/api/v1/pods', { metadata: { name: 'a', namespace: 'shop' }, spec: { nodeName: 'node-1' }, status: { podIP: '10.0.0.1' } });
    const out = watchedStream();
    let stop!: () => void;
    const err = watchedStream();
    const running = runCommand({ datastore: 'k8s', hostname: 'node-1', dataplane: 'none', inspect: '127.0.0.1:0', out: out.stream, err: err.stream, kubeConfig, stop: new Promise((resolve) => { stop = resolve; }) });
    await out.waitFor(/following the cluster at http:\/\/127\.0\.0\.1:\d+/);
    expect(out.text()).toMatch(/in sync after \d+ ms on node-1: 1 local endpoints/);
    await server.nextRequest((request) => request.path === '/api/v1/pods' && request.query['watch'] === 'true');
    server.put('/api/v1/pods', { metadata: { name: 'b', namespace: 'shop' }, spec: { nodeName: 'node-1' }, status: { podIP: '10.0.0.2' } });
    await out.waitFor(/revision \d+: 1 changed record/);
    stop();
    expect(await running).toBe(0);
    expect(err.text()).toBe('');
    await server.stop();
  });

  it('with --state-dir, resumes by watching from the stored resourceVersions and sends only what changed while it was down', async () => {
    const server = new FakeApiServer();
    const url = await server.start();
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromOptions({ clusters: [{ name: 'fake', server: url, skipTLSVerify: true }], users: [{ name: 'u', token: 't' }], contexts: [{ name: 'c', cluster: 'fake', user: 'u' }], currentContext: 'c' });
    const node1Pod = (name: string, ip: string, namespace = 'shop') => ({ metadata: { name, namespace, labels: { app: 'web' } }, spec: { nodeName: 'node-1' }, status: { podIP: ip } });
    server.put('/api/v1/namespaces', { metadata: { name: 'shop' } });
    server.put('/api/v1/pods', node1Pod('a', '10.0.0.1'));
    server.put('/api/v1/pods', node1Pod('b', '10.0.0.2'));
    const dir = mkdtempSync(join(tmpdir(), 'troupe-k8s-durable-'));
    /** `live`: a change made once the run is in sync, and the line that shows it was taken in. */
    const run = async (file: string, stateDir?: string, live?: { change: () => void; taken: RegExp }) => {
      const out = watchedStream();
      let stop!: () => void;
      const before = server.requests.length;
      const running = runCommand({ datastore: 'k8s', hostname: 'node-1', dataplane: `file:${file}`, inspect: 'none', out: out.stream, err: new PassThrough(), kubeConfig, ...(stateDir === undefined ? {} : { stateDir }), stop: new Promise((resolve) => { stop = resolve; }) });
      await out.waitFor(/following the cluster/);
      await server.nextRequest((request) => request.path === '/api/v1/pods' && request.query['watch'] === 'true', before);
      if (live !== undefined) {
        live.change();
        await out.waitFor(live.taken);
      }
      stop();
      expect(await running).toBe(0);
      return { out: out.text(), requests: server.requests.slice(before) };
    };
    const file = join(dir, 'dataplane.bin');
    const first = await run(file, join(dir, 'state'));
    expect(first.out).toMatch(/nothing stored yet/);
    const afterFirst = replay(file).messages;
    const podsAt = String(server.resourceVersion);

    server.remove('/api/v1/pods', 'shop', 'a');
    server.put('/api/v1/pods', node1Pod('c', '10.0.0.3'));
    // A resumed watch is in sync once the API server takes its resourceVersion; what changed while down
    // streams in right after. A pod made live in a new namespace (5 records: its endpoint and the
    // namespace's and service account's profiles) comes after those on the same watch: once its
    // revision shows, they are in too.
    const second = await run(file, join(dir, 'state'), { change: () => server.put('/api/v1/pods', node1Pod('d', '10.0.0.4', 'zz')), taken: /revision \d+: 5 changed records/ });
    expect(second.out).toMatch(/durable state: .*state \(batch, resumed from stored state\)/);
    expect(second.requests.filter((request) => request.query['watch'] === undefined && request.path !== '/apis/crd.projectcalico.org/v1')).toEqual([]);
    expect(second.requests.find((request) => request.path === '/api/v1/pods')?.query).toMatchObject({ watch: 'true', resourceVersion: podsAt });
    // The file, applied from its first frame, is the cluster as a fresh run computes it.
    const fresh = join(dir, 'fresh.bin');
    await run(fresh);
    expect(replay(file).state.view()).toEqual(replay(fresh).state.view());
    expect(Object.keys(replay(file).state.view().endpoints).sort()).toEqual(['k8s/shop/b/eth0', 'k8s/shop/c/eth0', 'k8s/zz/d/eth0']);
    expect(replay(file).messages - afterFirst).toBeLessThan(15);
    await server.stop();
  });
});

describe('troupe run', () => {
  it('reaches InSync on the example cluster, follows a change live, and appends frames that replay to the calc view', async () => {
    const out = watchedStream();
    const err = watchedStream();
    const fs = exampleOnMemoryFs();
    const file = join(mkdtempSync(join(tmpdir(), 'troupe-run-')), 'dataplane.bin');
    let stop!: () => void;
    const running = runCommand({ datastore: 'file:/cluster', hostname: 'node-1', dataplane: `file:${file}`, inspect: '127.0.0.1:0', out: out.stream, err: err.stream, fs, stop: new Promise((resolve) => { stop = resolve; }) });
    await out.waitFor(/watching \/cluster for changes/);
    expect(out.text()).toMatch(/in sync after \d+ ms on node-1: 10 local endpoints, 8 active policies, 7 profiles, 9 IP sets \(26 members\)/);
    fs.write('/cluster/late.yaml', newPod);
    await out.waitFor(/revision 2: 1 changed record/);
    stop();
    expect(await running).toBe(0);
    expect(out.text()).toMatch(/stopped after \d+ dataplane messages/);
    expect(err.text()).toBe('');

    // Replaying the file gives what `troupe calc` computes for the changed files.
    const replayed = new DataplaneState();
    for (const message of new FrameDecoder('to-dataplane').push(readFileSync(file))) replayed.apply(message as unknown as ToDataplanePayload);
    const calcOut = watchedStream();
    // The memory tree is what the agent saw; write it out for calc.
    const dir = mkdtempSync(join(tmpdir(), 'troupe-run-calc-'));
    for (const [path, text] of fs.files) writeFileSync(join(dir, path.split('/').at(-1)!), text);
    expect(await calcCommand({ datastore: dir, hostname: 'node-1', format: 'json', wiring: 'fused', out: calcOut.stream, err: new PassThrough() })).toBe(0);
    const expected = JSON.parse(calcOut.text()) as { endpoints: Record<string, unknown>; ipSets: Record<string, { type: string; members: string[] }> };
    expect(Object.keys(expected.endpoints)).toContain('k8s/shop/late/eth0');
    // The wire carries IP set ids, types and members; the selector text is troupe's own annotation.
    const membersOnly = (view: { ipSets: Record<string, { type: string; members: string[] }> }) => ({ ...view, ipSets: Object.fromEntries(Object.entries(view.ipSets).map(([id, set]) => [id, { type: set.type, members: set.members }])) });
    expect(membersOnly(JSON.parse(JSON.stringify(replayed.view())) as typeof expected)).toEqual(membersOnly(expected));
  });

  it('serves the inspection endpoint it names in the summary; /readyz is 200 once in sync', async () => {
    const out = watchedStream();
    let stop!: () => void;
    const running = runCommand({ datastore: 'file:/cluster', hostname: 'node-1', dataplane: 'none', inspect: '127.0.0.1:0', out: out.stream, err: new PassThrough(), fs: exampleOnMemoryFs(), stop: new Promise((resolve) => { stop = resolve; }) });
    await out.waitFor(/inspection: (http:\/\/127\.0\.0\.1:\d+)\//);
    const url = /inspection: (http:\/\/127\.0\.0\.1:\d+)\//.exec(out.text())![1]!;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const tree = await (await fetch(`${url}/actors`)).json() as { actors: { path: string }[] };
    expect(tree.actors.map((actor) => actor.path)).toContain('/calc/member-calc');
    stop();
    expect(await running).toBe(0);
  });

  it('refuses to serve inspection on a non-loopback address without a token (exit 2, saying why)', async () => {
    const err = watchedStream();
    expect(await runCommand({ dataplane: 'none', inspect: '0.0.0.0:0', out: new PassThrough(), err: err.stream, fs: exampleOnMemoryFs(), datastore: 'file:/cluster' })).toBe(2);
    expect(err.text()).toContain('refusing to serve the inspection endpoint on 0.0.0.0:0 without a token');
  });

  it('runs the calculators where --placement says, and says where in its summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'troupe-placement-'));
    const rules = join(dir, 'placement.yaml');
    writeFileSync(rules, 'workers: 2\nactors:\n  /calc/member-calc: worker:1\n  /calc/policy-resolver: worker:2\n');
    for (const [placement, summary] of [['main', 'threads: main only'], [rules, 'threads: main + 2 workers (/calc/member-calc on worker:1, /calc/policy-resolver on worker:2)']] as const) {
      const out = watchedStream();
      let stop!: () => void;
      const running = runCommand({ datastore: 'file:/cluster', hostname: 'node-1', dataplane: 'none', inspect: 'none', placement, out: out.stream, err: new PassThrough(), fs: exampleOnMemoryFs(), stop: new Promise((resolve) => { stop = resolve; }) });
      await out.waitFor(/watching \/cluster for changes/);
      expect(out.text()).toContain(summary);
      expect(out.text()).toMatch(/in sync after \d+ ms on node-1: 10 local endpoints, 8 active policies, 7 profiles, 9 IP sets \(26 members\)/);
      stop();
      expect(await running).toBe(0);
    }
  });

  it('refuses a placement it cannot read (exit 3) or follow (exit 2), naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'troupe-placement-'));
    const wrong = join(dir, 'wrong.yaml');
    writeFileSync(wrong, 'actors:\n  /calc: worker:1\n');
    const err = watchedStream();
    expect(await runCommand({ dataplane: 'none', inspect: 'none', placement: join(dir, 'missing.yaml'), out: new PassThrough(), err: err.stream, fs: exampleOnMemoryFs(), datastore: 'file:/cluster' })).toBe(3);
    expect(err.text()).toMatch(/--placement .*missing\.yaml: cannot read/);
    expect(await runCommand({ dataplane: 'none', inspect: 'none', placement: wrong, out: new PassThrough(), err: err.stream, fs: exampleOnMemoryFs(), datastore: 'file:/cluster' })).toBe(2);
    expect(err.text()).toContain('placement puts supervisor /calc on worker:1: supervisors run on main');
  });

  it('refuses an unknown --dataplane and an unreadable datastore with their exit codes', async () => {
    const err = watchedStream();
    expect(await runCommand({ dataplane: 'carrier-pigeon', inspect: 'none', out: new PassThrough(), err: err.stream })).toBe(2);
    expect(err.text()).toContain('--dataplane "carrier-pigeon": expected stdout, file:PATH, driver:COMMAND or none');
    expect(await runCommand({ datastore: 'file:/nonexistent', dataplane: 'none', inspect: 'none', out: new PassThrough(), err: err.stream })).toBe(3);
    expect(err.text()).toContain('/nonexistent: cannot read: no such file or directory');
  });

  it('as a process: streams to a driver on fd 3, reads its replies on fd 4, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', '--inspect', '127.0.0.1:0', '--dataplane', `driver:${process.execPath} examples/driver/log-driver.mjs`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const seen = (pattern: RegExp) => new Promise<void>((resolve) => {
      const check = () => { if (pattern.test(stdout)) resolve(); };
      child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); check(); });
      check();
    });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    await Promise.all([seen(/driver: in sync after 37 messages/), seen(/watching .* for changes/)]);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/dataplane: 37 messages, dataplane driver/);
    expect(stdout).toContain('driver: stream closed; exiting');
    expect(stdout).toMatch(/stopped by SIGTERM after 37 dataplane messages \(1 replies from the driver\)/);
    expect(stderr.replace(/npm warn.*\n/g, '')).toBe('');
  });
});

describe('troupe run --state-dir', () => {
  async function runUntilStopped(options: { fs: MemoryFileSystem; file: string; stateDir: string }, change?: (fs: MemoryFileSystem) => void) {
    const out = watchedStream();
    const err = watchedStream();
    let stop!: () => void;
    const running = runCommand({ datastore: 'file:/cluster', hostname: 'node-1', dataplane: `file:${options.file}`, inspect: 'none', stateDir: options.stateDir, out: out.stream, err: err.stream, fs: options.fs, stop: new Promise((resolve) => { stop = resolve; }) });
    await out.waitFor(/watching \/cluster for changes/);
    if (change !== undefined) {
      change(options.fs);
      await out.waitFor(/revision \d+: \d+ changed record/);
    }
    stop();
    expect(await running).toBe(0);
    return { out: out.text(), err: err.text() };
  }

  it('resumes from its stored state: a restart with nothing changed sends nothing; a change sends only itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'troupe-durable-'));
    const options = { fs: exampleOnMemoryFs(), file: join(dir, 'dataplane.bin'), stateDir: join(dir, 'state') };
    const first = await runUntilStopped(options);
    expect(first.out).toMatch(/durable state: .*state \(batch, nothing stored yet\)/);
    const afterFirst = replay(options.file).messages;

    const second = await runUntilStopped(options);
    expect(second.out).toMatch(/durable state: .*state \(batch, resumed: nothing changed while down\)/);
    expect(second.err).toBe('');
    expect(replay(options.file).messages).toBe(afterFirst);

    const third = await runUntilStopped(options, (fs) => fs.write('/cluster/late.yaml', newPod));
    expect(third.out).toMatch(/durable state: .*state \(batch, resumed: nothing changed while down\)/);
    const { state, messages } = replay(options.file);
    expect(Object.keys(state.view().endpoints)).toContain('k8s/shop/late/eth0');
    expect(messages - afterFirst).toBeLessThan(10);
  });

  it('refuses to start, exit 3, when the state directory cannot be written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'troupe-durable-'));
    writeFileSync(join(dir, 'file'), 'x');
    const err = watchedStream();
    const code = await runCommand({ datastore: 'file:/cluster', hostname: 'node-1', dataplane: 'none', inspect: 'none', stateDir: join(dir, 'file', 'state'), out: new PassThrough(), err: err.stream, fs: exampleOnMemoryFs() });
    expect(code).toBe(3);
    expect(err.text()).toMatch(/troupe run: --state-dir: state directory .*file\/state cannot be written/);
  });
});
