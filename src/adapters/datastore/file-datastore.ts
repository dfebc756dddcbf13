/**
 * `--datastore file:PATH`: a YAML/JSON file or a directory tree of them, read the way a syncer reads
 * a cluster. It loads everything (status ResyncInProgress → InSync), then watches and, after each
 * burst of changes (debounced on the clock), sends only the records that changed — new or changed
 * keys, and deletions for keys no file provides any more — each batch with the next revision.
 *
 * Like a live cluster, every namespace and service account that an endpoint names exists: a
 * `kns.<ns>` or `ksa.<ns>.<sa>` profile no file provides is made as the API server would have made
 * its object (a namespace with only its name label, a service account without labels). The
 * built-in tiers and the default-allow profile are always there.
 */
import { readFile, stat } from 'node:fs/promises';
import type { SyncStatus } from '../../actors/calc/graph/events.js';
import type { Clock, TimerId } from '../../runtime/clock.js';
import { builtinRecords } from './convert/calico-resources.js';
import { convertNamespace, serviceAccountProfile } from './convert/k8s-workloads.js';
import type { ModelRecord } from './convert/resource.js';
import { describeProblem, readFileContents } from './file-documents.js';
import type { FileSystemPort } from './file-system.js';
import { DatastoreError } from './model-file.js';

/**
 * What a datastore path holds: a directory or YAML of Kubernetes/Calico objects, or a JSON / JSON-lines
 * file of model records (the syncer's own output). Rejects with `DatastoreError` when it cannot be read.
 */
export async function describeDatastore(path: string): Promise<'objects' | 'model-records'> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new DatastoreError('DATASTORE_ERR_READ', path, `cannot read: ${reason}`, { cause: error });
  }
  if (info.isDirectory() || /\.ya?ml$/i.test(path)) return 'objects';
  const head = await readFile(path, 'utf8').then((text) => text.slice(0, 4096));
  return /"apiVersion"\s*:/.test(head) ? 'objects' : 'model-records';
}

export interface DatastoreSink {
  /** Changed records (`value: null` deletes), in one batch with its revision. */
  onUpdates(updates: readonly ModelRecord[], revision: number): void;
  onStatus(status: SyncStatus): void;
  /** A document left out, or a file that could not be read: one line naming it. */
  onProblem(message: string): void;
}

export interface FileDatastoreOptions {
  readonly fs: FileSystemPort;
  readonly clock: Clock;
  /** Changes closer together than this are read as one. Default 100 ms. */
  readonly debounceMs?: number;
}

const recordKey = (record: ModelRecord): string => `${record.type}:${JSON.stringify(record.key)}`;

/** Profiles of namespaces and service accounts that endpoints name but no file provides. */
function impliedProfiles(records: ReadonlyMap<string, ModelRecord>): ModelRecord[] {
  const provided = new Set<string>();
  const named = new Set<string>();
  for (const record of records.values()) {
    if (record.type === 'ProfileRules') provided.add(String(record.key['name']));
    if (record.type === 'WorkloadEndpoint' || record.type === 'NetworkSet') {
      for (const profile of ((record.value as { profileIds?: string[] } | null)?.profileIds ?? [])) named.add(profile);
    }
  }
  const implied: ModelRecord[] = [];
  for (const profile of [...named].sort()) {
    if (provided.has(profile)) continue;
    const namespace = /^kns\.(.+)$/.exec(profile)?.[1];
    if (namespace !== undefined) implied.push(...convertNamespace({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }));
    const account = /^ksa\.([^.]+)\.(.+)$/.exec(profile);
    if (account !== null) implied.push(...serviceAccountProfile(account[1]!, account[2]!, {}));
  }
  return implied;
}

export class FileDatastore {
  readonly root: string;
  readonly #fs: FileSystemPort;
  readonly #clock: Clock;
  readonly #debounceMs: number;
  readonly #files = new Map<string, ModelRecord[]>();
  #current = new Map<string, ModelRecord>();
  #revision = 0;
  #sink: DatastoreSink | undefined;
  #stopWatching: (() => void) | undefined;
  #timer: TimerId | undefined;
  #changed = new Set<string>();
  #fullRescan = false;
  #reading: Promise<void> = Promise.resolve();

  constructor(root: string, options: FileDatastoreOptions) {
    this.root = root;
    this.#fs = options.fs;
    this.#clock = options.clock;
    this.#debounceMs = options.debounceMs ?? 100;
  }

  get revision(): number {
    return this.#revision;
  }

  /** Loads everything and reports InSync; then follows changes until `stop`. Rejects if the root cannot be read. */
  async start(sink: DatastoreSink): Promise<void> {
    this.#sink = sink;
    sink.onStatus('WaitForDatastore');
    let files: string[];
    try {
      files = await this.#fs.list(this.root);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message;
      throw new DatastoreError('DATASTORE_ERR_READ', this.root, `cannot read: ${reason}`, { cause: error });
    }
    sink.onStatus('ResyncInProgress');
    this.#stopWatching = this.#fs.watch(this.root, (path) => this.#noteChange(path));
    for (const file of files) await this.#readFile(file);
    this.#publish();
    sink.onStatus('InSync');
  }

  stop(): void {
    this.#stopWatching?.();
    this.#stopWatching = undefined;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Resolves once changes noticed so far have been read and sent. */
  settled(): Promise<void> {
    return this.#reading;
  }

  #noteChange(path: string | undefined): void {
    if (path === undefined) this.#fullRescan = true;
    else this.#changed.add(path);
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#reading = this.#reading.then(() => this.#rescan());
    }, this.#debounceMs);
  }

  async #rescan(): Promise<void> {
    const changed = this.#changed;
    const full = this.#fullRescan;
    this.#changed = new Set();
    this.#fullRescan = false;
    let files: string[];
    try {
      files = await this.#fs.list(this.root);
    } catch (error) {
      this.#sink?.onProblem(`${this.root}: cannot read: ${(error as Error).message}; keeping what was loaded`);
      return;
    }
    const present = new Set(files);
    for (const file of [...this.#files.keys()]) if (!present.has(file)) this.#files.delete(file);
    for (const file of files) if (full || changed.has(file) || !this.#files.has(file)) await this.#readFile(file);
    this.#publish();
  }

  async #readFile(file: string): Promise<void> {
    let text: string;
    try {
      text = await this.#fs.read(file);
    } catch (error) {
      this.#files.delete(file);
      this.#sink?.onProblem(`${file}: cannot read: ${(error as Error).message}`);
      return;
    }
    const contents = readFileContents(file, text);
    for (const problem of contents.problems) this.#sink?.onProblem(describeProblem(problem));
    this.#files.set(file, contents.records);
  }

  /** Sends what differs from the last published state: changed and new keys, then deletions. */
  #publish(): void {
    const next = new Map<string, ModelRecord>();
    for (const record of builtinRecords()) next.set(recordKey(record), record);
    // Files in path order; a key defined twice takes the later file's record.
    for (const file of [...this.#files.keys()].sort()) for (const record of this.#files.get(file)!) next.set(recordKey(record), record);
    for (const record of impliedProfiles(next)) next.set(recordKey(record), record);
    const updates: ModelRecord[] = [];
    for (const [key, record] of next) {
      const old = this.#current.get(key);
      if (old === undefined || JSON.stringify(old.value) !== JSON.stringify(record.value)) updates.push(record);
    }
    for (const [key, record] of this.#current) if (!next.has(key)) updates.push({ type: record.type, key: record.key, value: null });
    this.#current = next;
    if (updates.length === 0) return;
    this.#revision += 1;
    this.#sink?.onUpdates(updates, this.#revision);
  }
}
