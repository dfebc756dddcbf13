/**
 * `troupe calc`: one shot. Load a datastore, run it through the calculation graph to InSync, flush,
 * print, exit. `json` prints the final dataplane view; `jsonl` each ToDataplane message in order;
 * `proto` the framed byte stream a Felix dataplane driver would read.
 * Exit codes: 0 done; 1 the runtime failed; 2 usage error; 3 the datastore could not be read.
 */
import { ActorCalcGraph } from '../actors/calc/actors/wiring.js';
import { FusedCalcGraph } from '../actors/calc/fused.js';
import type { InvalidRecord } from '../actors/calc/model/validate.js';
import { FrameSink, StateSink } from '../actors/calc/output/dataplane-connection.js';
import type { DataplaneSink } from '../actors/calc/output/dataplane-connection.js';
import type { DataplaneView } from '../actors/calc/output/dataplane-state.js';
import { FileDatastore, describeDatastore } from '../adapters/datastore/file-datastore.js';
import { NodeFileSystem } from '../adapters/datastore/file-system.js';
import { DatastoreError, ModelFileSource } from '../adapters/datastore/model-file.js';
import type { ModelLoad, ModelSource } from '../adapters/datastore/model-file.js';
import { realClock } from '../runtime/clock.js';
import type { ToDataplane } from '../protocol/dataplane/messages.js';
import { ActorSystem } from '../runtime/system.js';
import type { SystemFailure } from '../runtime/system.js';

export const CALC_FORMATS = ['json', 'jsonl', 'proto'] as const;
export const CALC_WIRINGS = ['fused', 'actors'] as const;
export const EXIT_UNREADABLE = 3;

export interface CalcOptions {
  readonly datastore: string;
  readonly hostname: string;
  readonly format: (typeof CALC_FORMATS)[number];
  readonly wiring: (typeof CALC_WIRINGS)[number];
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  /** Tests hand records in directly; otherwise the datastore path is read. */
  readonly source?: ModelSource;
}

/** Collects the output in memory: a one-shot run prints it whole at the end. */
class OutputSink implements DataplaneSink {
  readonly chunks: (string | Uint8Array)[] = [];
  readonly #frames: FrameSink | undefined;
  constructor(private readonly format: CalcOptions['format']) {
    this.#frames = format === 'proto' ? new FrameSink((frame) => this.chunks.push(frame)) : undefined;
  }
  write(message: ToDataplane): void {
    if (this.#frames !== undefined) this.#frames.write(message);
    else if (this.format === 'jsonl') this.chunks.push(`${JSON.stringify(message)}\n`);
  }
}

function write(out: NodeJS.WritableStream, chunk: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => { out.write(chunk, (error) => (error ? reject(error) : resolve())); });
}

async function runFused(records: readonly unknown[], options: CalcOptions, sink: DataplaneSink, onInvalid: (invalid: InvalidRecord) => void): Promise<DataplaneView> {
  const state = new StateSink();
  const graph = new FusedCalcGraph({ hostname: options.hostname, sink: { write: (message, meta) => { state.write(message, meta); sink.write(message, meta); } }, onInvalid });
  graph.onRecords(records);
  graph.onStatus('InSync');
  return Promise.resolve(state.state.view());
}

async function runActors(records: readonly unknown[], options: CalcOptions, sink: DataplaneSink, onInvalid: (invalid: InvalidRecord) => void): Promise<DataplaneView> {
  let failure: SystemFailure | undefined;
  const system = new ActorSystem({ onFatal: (fatal) => { failure = fatal; } });
  const graph = ActorCalcGraph.spawn(system, { hostname: options.hostname, sink, onInvalid });
  const failed = system.failure.then((fatal) => { throw new Error(`the calc pipeline failed: ${fatal.message}`); });
  const run = async (): Promise<DataplaneView> => {
    await graph.onRecords(records);
    await graph.onStatus('InSync');
    await graph.flush();
    return graph.view();
  };
  try {
    return await Promise.race([run(), failed]);
  } finally {
    if (failure === undefined) await system.shutdown();
  }
}

/**
 * Kubernetes and Calico YAML (a file or a directory tree) load through the file datastore, as
 * `troupe run` reads them; a JSON or JSON-lines file of model records is taken as the syncer's
 * output itself, record for record.
 */
class YamlTreeSource implements ModelSource {
  constructor(readonly name: string, private readonly onProblem: (message: string) => void) {}
  async load(): Promise<ModelLoad> {
    const records: unknown[] = [];
    const datastore = new FileDatastore(this.name, { fs: new NodeFileSystem(), clock: realClock });
    await datastore.start({ onUpdates: (updates) => records.push(...updates), onStatus: () => undefined, onProblem: this.onProblem });
    datastore.stop();
    return { records, problems: [] };
  }
}

async function chooseSource(path: string, onProblem: (message: string) => void): Promise<ModelSource> {
  if (await describeDatastore(path) !== 'model-records') return new YamlTreeSource(path, onProblem);
  return new ModelFileSource(path);
}

/** Every record a datastore path holds (`file:` prefix allowed); problems are reported, not fatal. */
export async function loadDatastoreRecords(datastore: string, onProblem: (message: string) => void): Promise<readonly unknown[]> {
  const source = await chooseSource(datastore.replace(/^file:/, ''), onProblem);
  const loaded = await source.load();
  for (const problem of loaded.problems) onProblem(problem);
  return loaded.records;
}

export async function calcCommand(options: CalcOptions): Promise<number> {
  let source: ModelSource;
  try {
    source = options.source ?? await chooseSource(options.datastore.replace(/^file:/, ''), (message) => options.err.write(`troupe calc: ${message}\n`));
  } catch (error) {
    if (!(error instanceof DatastoreError)) throw error;
    options.err.write(`troupe calc: ${error.message}\n`);
    return EXIT_UNREADABLE;
  }
  let records: readonly unknown[];
  try {
    const loaded = await source.load();
    records = loaded.records;
    for (const problem of loaded.problems) options.err.write(`troupe calc: ${problem}\n`);
  } catch (error) {
    if (!(error instanceof DatastoreError)) throw error;
    options.err.write(`troupe calc: ${error.message}\n`);
    return EXIT_UNREADABLE;
  }
  const onInvalid = (invalid: InvalidRecord): void => {
    options.err.write(`troupe calc: ${source.name}: invalid ${invalid.type} ${JSON.stringify(invalid.key)}: ${invalid.reason} (treated as absent)\n`);
  };
  const output = new OutputSink(options.format);
  let view: DataplaneView;
  try {
    view = await (options.wiring === 'fused' ? runFused : runActors)(records, options, output, onInvalid);
  } catch (error) {
    options.err.write(`troupe calc: ${(error as Error).message}\n`);
    return 1;
  }
  if (options.format === 'json') await write(options.out, `${JSON.stringify(view, null, 2)}\n`);
  else if (options.format === 'proto') await write(options.out, Buffer.concat(output.chunks as Uint8Array[]));
  else await write(options.out, (output.chunks as string[]).join(''));
  return 0;
}
