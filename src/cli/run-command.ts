/**
 * `troupe run`: the agent. Reads a datastore (the embedded example cluster by default), runs the calc
 * pipeline as supervised actors to InSync, prints a summary, then follows the datastore's changes and
 * streams the dataplane messages to `--dataplane` until SIGTERM or SIGINT stops it gracefully.
 * Exit codes: 0 stopped cleanly; 1 the runtime or the dataplane output failed; 2 usage error;
 * 3 the datastore could not be read, or the state directory (`--state-dir`) cannot be written.
 * With `--state-dir`, the source's records and the dataplane actor's mirror are durable (LMDB): a
 * restart, even after `kill -9`, resumes from them — the datastore sends only what changed, and the
 * dataplane gets only the messages that make it right.
 */
import { availableParallelism, hostname as systemHostname } from 'node:os';
import { PooledParser } from '../adapters/datastore/file-parser.js';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ActorCalcGraph } from '../actors/calc/actors/wiring.js';
import type { SyncStatus } from '../actors/calc/graph/events.js';
import { DataplaneOutputError, openDataplaneOutput } from '../adapters/dataplane/outputs.js';
import type { DataplaneOutput } from '../adapters/dataplane/outputs.js';
import { FileDatastore } from '../adapters/datastore/file-datastore.js';
import type { DatastoreResume, SourcePosition } from '../adapters/datastore/file-datastore.js';
import { NodeFileSystem } from '../adapters/datastore/file-system.js';
import type { FileSystemPort } from '../adapters/datastore/file-system.js';
import { DatastoreError } from '../adapters/datastore/model-file.js';
import type { ModelRecord } from '../adapters/datastore/convert/resource.js';
import { KubernetesDatastore } from '../adapters/kubernetes/kubernetes-datastore.js';
import { RestKubeClient, loadKubeConfig } from '../adapters/kubernetes/kube-client.js';
import type { KubeConfig } from '@kubernetes/client-node';
import { readFile } from 'node:fs/promises';
import { calcEdges, registerCalcMetrics } from '../actors/calc/actors/calc-metrics.js';
import { memberShardsOf } from '../actors/calc/actors/member-shards.js';
import { TroupeError } from '../runtime/errors.js';
import { InspectionError, InspectionServer, parseAddress } from '../runtime/inspection/server.js';
import { createLogger } from '../runtime/logger.js';
import type { Logger } from '../runtime/logger.js';
import { ActorSystem } from '../runtime/system.js';
import { openStateStore } from '../runtime/persistence/lmdb-store.js';
import { registerStateMetrics } from '../runtime/persistence/state-metrics.js';
import { PersistenceError, StateStore } from '../runtime/persistence/state-store.js';
import type { Durability } from '../runtime/persistence/state-store.js';
import type { SystemFailure } from '../runtime/system.js';
import type { Placement } from '../runtime/threads/placement.js';
import { PlacementFileError, describePlacement, resolvePlacement } from './placement-option.js';

export const EMBEDDED_CLUSTER = fileURLToPath(new URL('../../examples/cluster', import.meta.url));
export const EMBEDDED_HOSTNAME = 'node-1';

export interface RunOptions {
  readonly datastore?: string;
  readonly hostname?: string;
  readonly dataplane: string;
  /** `HOST:PORT` for the inspection endpoint, or `none`. Default 127.0.0.1:9099. */
  readonly inspect?: string;
  readonly inspectTokenFile?: string;
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  /** Stops the agent (tests); SIGINT and SIGTERM do too. */
  readonly stop?: Promise<void>;
  readonly fs?: FileSystemPort;
  /** For `--datastore k8s` (tests); otherwise KUBECONFIG, ~/.kube/config or the in-cluster account. */
  readonly kubeConfig?: KubeConfig;
  /** Where durable state lives (LMDB); absent: nothing is kept. */
  readonly stateDir?: string;
  /** With `stateDir`: batch (default) or sync; off keeps nothing. */
  readonly durability?: Durability;
  /** auto (default) | main | spread | a placement file (cli/placement-option.ts). */
  readonly placement?: string;
}

const EXIT_FAILED = 1;
export const DEFAULT_INSPECT = '127.0.0.1:9099';

async function readToken(path: string): Promise<string> {
  let token: string;
  try {
    token = (await readFile(path, 'utf8')).trim();
  } catch (error) {
    throw new InspectionError('INSPECT_ERR_TOKEN_FILE', `--inspect-token-file ${path}: cannot read: ${(error as Error).message}`);
  }
  if (token === '') throw new InspectionError('INSPECT_ERR_TOKEN_FILE', `--inspect-token-file ${path} is empty`);
  return token;
}

/** The runtime events an operator wants in the log, one line each, with the actor's path. */
function logRuntimeEvents(system: ActorSystem, logger: Logger): () => void {
  return system.events.subscribe((event) => {
    switch (event.type) {
      case 'actor.crashed': logger.warn({ actor: event.path, error: event.error.message, messageType: event.messageType }, 'crashed'); break;
      case 'actor.restarted': logger.info({ actor: event.path, restarts: event.restarts }, 'restarted'); break;
      case 'actor.dead-lettered': logger.warn({ actor: event.path, messageType: event.messageType, reason: event.reason }, 'dead letter'); break;
      case 'supervisor.gave-up': logger.error({ actor: event.path, error: event.error.message }, 'gave up'); break;
      case 'actor.state-discarded': logger.warn({ actor: event.path }, `stored state not used (${event.reason}); starting it fresh, it resyncs`); break;
      default: break;
    }
  }, ['actor.crashed', 'actor.restarted', 'actor.dead-lettered', 'supervisor.gave-up', 'actor.state-discarded']);
}
const EXIT_USAGE = 2;
const EXIT_UNREADABLE = 3;

/** The strict root an agent wants: a subsystem failing twice within a minute ends the process. */
const AGENT_ROOT = { intensity: { maxRestarts: 2, withinMs: 60_000 } };

function signalled(): { promise: Promise<string>; dispose: () => void } {
  let resolve!: (name: string) => void;
  const promise = new Promise<string>((done) => { resolve = done; });
  const onInt = () => resolve('SIGINT');
  const onTerm = () => resolve('SIGTERM');
  process.once('SIGINT', onInt);
  process.once('SIGTERM', onTerm);
  return { promise, dispose: () => { process.off('SIGINT', onInt); process.off('SIGTERM', onTerm); } };
}

export async function runCommand(options: RunOptions): Promise<number> {
  const embedded = options.datastore === undefined;
  const spec = options.datastore ?? `file:${EMBEDDED_CLUSTER}`;
  if (spec !== 'k8s' && !spec.startsWith('file:') && spec.includes(':') && !spec.startsWith('/')) {
    options.err.write(`troupe run: --datastore ${JSON.stringify(spec)}: expected file:PATH or k8s\n`);
    return EXIT_USAGE;
  }
  const root = spec.replace(/^file:/, '');
  const hostname = options.hostname ?? (embedded ? EMBEDDED_HOSTNAME : process.env['NODENAME'] ?? systemHostname());
  let output: DataplaneOutput;
  try {
    output = openDataplaneOutput(options.dataplane, options.out as Writable);
  } catch (error) {
    if (!(error instanceof DataplaneOutputError)) throw error;
    options.err.write(`troupe run: ${error.message}\n`);
    return EXIT_USAGE;
  }
  const inspect = options.inspect ?? DEFAULT_INSPECT;
  let token: string | undefined;
  try {
    if (inspect !== 'none') parseAddress(inspect);
    token = options.inspectTokenFile === undefined ? undefined : await readToken(options.inspectTokenFile);
  } catch (error) {
    if (!(error instanceof TroupeError)) throw error;
    options.err.write(`troupe run: ${error.message}\n`);
    await output.close();
    return error.code === 'INSPECT_ERR_TOKEN_FILE' ? EXIT_UNREADABLE : EXIT_USAGE;
  }
  let placement: Placement;
  try {
    placement = await resolvePlacement(options.placement);
  } catch (error) {
    if (!(error instanceof TroupeError)) throw error;
    options.err.write(`troupe run: ${error.message}\n`);
    await output.close();
    return error instanceof PlacementFileError ? EXIT_UNREADABLE : EXIT_USAGE;
  }
  let fatal: SystemFailure | undefined;
  const system = new ActorSystem({ root: AGENT_ROOT, placement, onFatal: (failure) => { fatal = failure; } });
  const startedAt = system.clock.now();
  const line = (text: string) => options.out.write(`troupe: ${text}\n`);
  const logger = createLogger(system.clock, options.err);
  const problem = (text: string) => logger.warn(text);
  let store: StateStore;
  try {
    store = options.stateDir === undefined ? StateStore.off(system.clock) : openStateStore({ dir: options.stateDir, durability: options.durability ?? 'batch', clock: system.clock, log: (text) => logger.warn(text) });
  } catch (error) {
    if (!(error instanceof PersistenceError)) throw error;
    options.err.write(`troupe run: --state-dir: ${error.message}\n`);
    await Promise.all([system.shutdown(), output.close()]);
    return EXIT_UNREADABLE;
  }
  const unsubscribe = logRuntimeEvents(system, logger);
  const memberShards = memberShardsOf(placement);
  const graph = ActorCalcGraph.spawn(system, {
    hostname,
    store,
    memberShards,
    sink: output.sink,
    autoFlush: true,
    onInvalid: (invalid) => problem(`invalid ${invalid.type} ${JSON.stringify(invalid.key)}: ${invalid.reason} (treated as absent)`),
  });
  let outputBroken = false;
  void output.failed.then(() => { outputBroken = true; });
  let inSync = false;
  let inspection: InspectionServer | undefined;
  if (inspect !== 'none') {
    try {
      inspection = await InspectionServer.start({
        system,
        address: inspect,
        ...(token === undefined ? {} : { token }),
        ready: () => inSync && !outputBroken,
        edges: () => calcEdges(memberShards),
        metrics: (registry) => {
          registerCalcMetrics(registry, graph.figures, system);
          registerStateMetrics(registry, store);
        },
      });
    } catch (error) {
      if (!(error instanceof InspectionError)) throw error;
      options.err.write(`troupe run: ${error.message}\n`);
      unsubscribe();
      await system.shutdown();
      await Promise.all([output.close(), store.close()]);
      return error.code === 'INSPECT_ERR_TOKEN_REQUIRED' || error.code === 'INSPECT_ERR_ADDRESS' ? EXIT_USAGE : EXIT_FAILED;
    }
  }
  const point = store.enabled ? await graph.resumePoint() : undefined;
  const resume: DatastoreResume | undefined = point === undefined ? undefined : { positions: point.positions, records: async () => await point.records() as ModelRecord[] };
  let datastore: FileDatastore | KubernetesDatastore;
  let following: string;
  if (spec === 'k8s') {
    let client: RestKubeClient;
    try {
      client = new RestKubeClient(options.kubeConfig ?? loadKubeConfig());
    } catch (error) {
      problem(`--datastore k8s: ${(error as Error).message}`);
      unsubscribe();
      await system.shutdown();
      await Promise.all([output.close(), inspection?.close(), store.close()]);
      return EXIT_UNREADABLE;
    }
    datastore = new KubernetesDatastore(client, { clock: system.clock, random: () => system.random.int(0, 999_999) / 1_000_000 });
    following = `following the cluster at ${client.server}`;
  } else {
    // Reading every file (the start, a resume's background re-read) is parsed on a piscina pool, one
    // thread per CPU (up to 4), when there are two or more: main only reads files and takes results in.
    const cpus = availableParallelism();
    datastore = new FileDatastore(root, { fs: options.fs ?? new NodeFileSystem(), clock: system.clock, ...(cpus >= 2 ? { parser: () => new PooledParser(Math.min(4, cpus)) } : {}) });
    following = `watching ${root} for changes`;
  }
  let feeding: Promise<void> = Promise.resolve();
  const feed = (step: () => Promise<void>) => { feeding = feeding.then(step); };
  const sink = {
    onUpdates: (updates: readonly ModelRecord[], revision: number) => feed(async () => {
      await graph.onRecords(updates);
      if (inSync) line(`revision ${revision}: ${updates.length} changed record${updates.length === 1 ? '' : 's'}`);
    }),
    onStatus: (status: SyncStatus) => feed(() => graph.onStatus(status)),
    onPositions: (positions: readonly SourcePosition[]) => feed(() => graph.onPositions(positions)),
    onProblem: problem,
  };
  const signals = signalled();
  try {
    try {
      await datastore.start(sink, resume);
    } catch (error) {
      if (!(error instanceof DatastoreError)) throw error;
      problem(error.message);
      await system.shutdown();
      await Promise.all([output.close(), inspection?.close(), store.close()]);
      return EXIT_UNREADABLE;
    }
    // Resumed on files that did not change, with an output that reflects everything stored: in sync now
    // (the calculators rebuild from the stored snapshot in the background).
    const current = point?.current === true && datastore instanceof FileDatastore && datastore.resumedUnchanged;
    let flushed: { sent: number };
    if (current) flushed = { sent: point.sent };
    else {
      await feeding;
      flushed = await graph.flush();
    }
    inSync = true;
    const view = await graph.view();
    const members = Object.values(view.ipSets).reduce((sum, set) => sum + set.members.length, 0);
    line(`in sync after ${Math.round(system.clock.now() - startedAt)} ms on ${hostname}: ${Object.keys(view.endpoints).length} local endpoints, ` +
      `${view.activePolicies.length} active policies, ${view.activeProfiles.length} profiles, ${Object.keys(view.ipSets).length} IP sets (${members} members)`);
    line(`dataplane: ${flushed.sent} messages, ${output.description}`);
    const resumed = current ? ', resumed: nothing changed while down' : (point?.positions.size ?? 0) > 0 ? ', resumed from stored state' : ', nothing stored yet';
    line(store.enabled ? `durable state: ${options.stateDir} (${store.durability}${resumed})` : 'durable state: off (no --state-dir)');
    line(`threads: ${describePlacement(placement)}`);
    line(inspection === undefined ? 'inspection: off (--inspect none)' : `inspection: ${inspection.url}/ (actors, events, metrics, healthz, readyz)`);
    line(`${following}; SIGTERM or Ctrl-C stops`);
    const stopped = await Promise.race([
      signals.promise.then((name) => `stopped by ${name}`),
      (options.stop ?? new Promise<never>(() => undefined)).then(() => 'stopped'),
      system.failure.then((failure) => { throw new Error(failure.message); }),
      output.failed.then((error) => { throw error; }),
    ]);
    datastore.stop();
    await feeding;
    const final = await graph.flush();
    await system.shutdown();
    await Promise.all([output.close(), store.close()]);
    await inspection?.close();
    line(`${stopped} after ${final.sent} dataplane messages${output.received() > 0 ? ` (${output.received()} replies from the driver)` : ''}`);
    return 0;
  } catch (error) {
    logger.fatal(fatal === undefined ? {} : { actor: fatal.actor, error: fatal.error }, fatal?.message ?? (error as Error).message);
    datastore.stop();
    await output.close().catch(() => undefined);
    await store.abandon().catch(() => undefined);
    await inspection?.close();
    return EXIT_FAILED;
  } finally {
    signals.dispose();
    unsubscribe();
  }
}
