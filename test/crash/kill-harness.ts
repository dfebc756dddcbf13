/**
 * The crash harness: `troupe run` as a child process on a generated cluster in a file datastore,
 * with durable state and `--dataplane file:`; the harness changes the cluster's files as it goes and
 * SIGKILLs the agent at moments drawn from a seeded PRNG — right after it is spawned, when its first
 * frame lands in the output file, once it is in sync, in the middle of a burst of changes, after it
 * reported a change — and starts it again. At the end one more run settles, and the whole output
 * file, applied from its first byte, must obey Felix's invariants (sequence numbers without gap or
 * repeat, nothing used before it exists, InSync once) and equal `troupe calc --wiring fused` on the
 * final files. Used by the test suite (20 kills) and `npm run soak` (100, any seed).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { DataplaneState } from '../../src/actors/calc/output/dataplane-state.js';
import type { DataplaneView } from '../../src/actors/calc/output/dataplane-state.js';
import { calcCommand } from '../../src/cli/calc-command.js';
import { FrameDecoder } from '../../src/protocol/dataplane/codec.js';
import type { ToDataplanePayload } from '../../src/protocol/dataplane/messages.js';
import { createRandom } from '../../src/runtime/random.js';
import type { Random } from '../../src/runtime/random.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const HOSTNAME = 'node-0';
export const KILL_MOMENTS = ['spawned', 'first-frame', 'in-sync', 'mid-burst', 'after-revision'] as const;
type Moment = (typeof KILL_MOMENTS)[number];

export interface KillSoakOptions {
  readonly kills: number;
  readonly seed: number;
  /** A fresh directory for the cluster, the state and the output. */
  readonly dir: string;
  readonly durability?: 'batch' | 'sync';
  readonly log?: (line: string) => void;
}

export interface KillSoakResult {
  readonly kills: number;
  readonly moments: Record<Moment, number>;
  readonly messages: number;
  readonly changes: number;
  readonly view: DataplaneView;
  readonly expected: DataplaneView;
}

interface Agent {
  readonly child: ChildProcess;
  waitFor(pattern: RegExp): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

function startAgent(paths: { cluster: string; state: string; output: string }, durability: string): Agent {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', '--datastore', `file:${paths.cluster}`, '--hostname', HOSTNAME,
    '--dataplane', `file:${paths.output}`, '--state-dir', paths.state, '--durability', durability, '--inspect', 'none'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const waiter of [...waiters]) if (waiter.pattern.test(line)) { waiters.splice(waiters.indexOf(waiter), 1); waiter.resolve(); }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    exited,
    stderr: () => stderr,
    waitFor: (pattern) => new Promise<void>((resolve, reject) => {
      if (lines.some((line) => pattern.test(line))) return resolve();
      waiters.push({ pattern, resolve });
      void exited.then(({ code, signal }) => reject(new Error(`troupe run exited (${signal ?? code}) before printing ${pattern}:\n${lines.join('\n')}\n${stderr}`)));
    }),
  };
}

const APPS = ['web', 'api', 'db', 'cache', 'worker'];
const NAMESPACES = 4;

function pod(n: number, app: string): Record<string, unknown> {
  const ip = `10.9.${(n >> 8) & 255}.${n & 255}`;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: `pod-${n}`, namespace: `ns-${n % NAMESPACES}`, labels: { app, version: `v${n % 3}` } },
    spec: { nodeName: `node-${n % 3}`, containers: [{ name: 'main', ports: [{ name: 'http', containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
  };
}

function policy(q: number, app: string, peer: string): Record<string, unknown> {
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `allow-${q}`, namespace: `ns-${q % NAMESPACES}` },
    spec: {
      podSelector: { matchLabels: { app } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: peer } } }, { namespaceSelector: { matchLabels: { team: `team-${q % 2}` } } }], ports: [{ port: 'http' }] }],
      egress: [{ to: [{ ipBlock: { cidr: '192.168.0.0/16', except: [`192.168.${q}.0/24`] } }] }],
    },
  };
}

/** The cluster as one file per object (4 namespaces, 60 pods on 3 nodes, 12 policies), so changes touch single objects. */
class ClusterFiles {
  readonly #dir: string;
  readonly #random: Random;
  #nextPod = 60;
  changes = 0;

  constructor(dir: string, random: Random) {
    this.#dir = dir;
    this.#random = random;
    mkdirSync(dir, { recursive: true });
    for (let n = 0; n < NAMESPACES; n += 1) this.#write({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${n}`, labels: { team: `team-${n % 2}` } } });
    for (let n = 0; n < 60; n += 1) this.#write(pod(n, APPS[n % APPS.length]!));
    for (let q = 0; q < 12; q += 1) this.#write(policy(q, APPS[q % APPS.length]!, APPS[(q + 1) % APPS.length]!));
  }

  /** One random change that really changes a file: relabel or re-add a pod, delete or add a pod, delete or rewrite a policy. */
  change(): void {
    this.changes += 1;
    const app = () => APPS[this.#random.int(0, APPS.length - 1)]!;
    for (;;) {
      const n = this.#random.int(0, 59);
      const changed = (() => {
        switch (this.#random.int(0, 4)) {
          case 0: return this.#write(pod(n, app()));
          case 1: return this.#remove(this.#path('Pod', `pod-${n}`));
          case 2: return this.#write(pod((this.#nextPod += 1), app()));
          case 3: return this.#remove(this.#path('NetworkPolicy', `allow-${n % 12}`));
          default: return this.#write(policy(n % 12, app(), app()));
        }
      })();
      if (changed) return;
    }
  }

  #path(kind: string, name: string): string {
    return join(this.#dir, `${kind}.${name}.yaml`);
  }

  #remove(path: string): boolean {
    if (!existsSync(path)) return false;
    rmSync(path);
    return true;
  }

  #write(object: Record<string, unknown>): boolean {
    const path = this.#path(String(object['kind']), (object['metadata'] as { name: string }).name);
    const text = stringify(object);
    if (existsSync(path) && readFileSync(path, 'utf8') === text) return false;
    writeFileSync(path, text);
    return true;
  }
}

/** Resolves when the output file changes (its first frame after a start): an event, not a poll. */
function nextWrite(path: string): { promise: Promise<void>; close: () => void } {
  writeFileSync(path, '', { flag: 'a' });
  let close = () => undefined as void;
  const promise = new Promise<void>((resolve) => {
    const watcher = watch(path, () => { watcher.close(); resolve(); });
    close = () => { watcher.close(); resolve(); };
  });
  return { promise, close };
}

function membersOnly(view: DataplaneView): DataplaneView {
  return { ...view, ipSets: Object.fromEntries(Object.entries(view.ipSets).map(([id, set]) => [id, { type: set.type, members: set.members }])) };
}

async function fusedView(cluster: string): Promise<DataplaneView> {
  let text = '';
  const out = new PassThrough();
  out.on('data', (chunk: Buffer) => { text += chunk.toString(); });
  const code = await calcCommand({ datastore: cluster, hostname: HOSTNAME, format: 'json', wiring: 'fused', out, err: new PassThrough() });
  if (code !== 0) throw new Error(`troupe calc exited ${code}`);
  return membersOnly(JSON.parse(text) as DataplaneView);
}

async function killAt(agent: Agent, moment: Moment, files: ClusterFiles, output: string, random: Random): Promise<void> {
  const written = nextWrite(output);
  try {
    // A restart with nothing to send writes no frame: then in sync is the moment.
    if (moment === 'first-frame') await Promise.race([written.promise, agent.waitFor(/^troupe: durable state:/)]);
    else if (moment === 'in-sync') await agent.waitFor(/^troupe: durable state:/);
    else if (moment === 'mid-burst' || moment === 'after-revision') {
      await agent.waitFor(/^troupe: durable state:/);
      files.change();
      if (moment === 'after-revision') await agent.waitFor(/^troupe: revision \d+:/);
      for (let i = random.int(1, 4); i > 0; i -= 1) files.change();
    }
  } finally {
    written.close();
  }
  agent.child.kill('SIGKILL');
  const { signal, code } = await agent.exited;
  if (signal !== 'SIGKILL') throw new Error(`troupe run ended by itself (${signal ?? code}) before the kill:\n${agent.stderr()}`);
}

function shuffle<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = random.int(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

export async function runKillSoak(options: KillSoakOptions): Promise<KillSoakResult> {
  const random = createRandom(options.seed);
  const paths = { cluster: join(options.dir, 'cluster'), state: join(options.dir, 'state'), output: join(options.dir, 'dataplane.bin') };
  const files = new ClusterFiles(paths.cluster, random);
  const durability = options.durability ?? 'batch';
  const moments = Object.fromEntries(KILL_MOMENTS.map((moment) => [moment, 0])) as Record<Moment, number>;
  let round: Moment[] = [];
  for (let kill = 1; kill <= options.kills; kill += 1) {
    // Every moment once per round of five, in a random order.
    if (round.length === 0) round = shuffle([...KILL_MOMENTS], random);
    const moment = round.pop()!;
    await killAt(startAgent(paths, durability), moment, files, paths.output, random);
    moments[moment] += 1;
    options.log?.(`kill ${kill}/${options.kills} at ${moment}`);
    if (random.int(0, 2) === 0) files.change(); // a change while troupe is down
  }
  const last = startAgent(paths, durability);
  await last.waitFor(/^troupe: watching .* for changes/);
  last.child.kill('SIGTERM');
  const { code } = await last.exited;
  if (code !== 0) throw new Error(`the final run exited ${code}:\n${last.stderr()}`);
  const replayed = new DataplaneState();
  const messages = new FrameDecoder('to-dataplane').push(readFileSync(paths.output));
  for (const message of messages) replayed.apply(message as unknown as ToDataplanePayload);
  const view = membersOnly(JSON.parse(JSON.stringify(replayed.view())) as DataplaneView);
  return { kills: options.kills, moments, messages: messages.length, changes: files.changes, view, expected: await fusedView(paths.cluster) };
}
