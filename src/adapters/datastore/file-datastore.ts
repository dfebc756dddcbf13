/**
 * `--datastore file:PATH`: a YAML/JSON file or a directory tree of them, read the way a syncer reads
 * a cluster. It loads everything (status ResyncInProgress → InSync), then watches and, after each
 * burst of changes (debounced on the clock), sends only the records that changed — new or changed
 * keys, and deletions for keys no file provides any more — each batch with the next revision.
 * Implied namespace and service-account profiles and the built-ins: record-snapshot.ts.
 */
import { readFile, stat } from 'node:fs/promises';
import type { SyncStatus } from '../../actors/calc/graph/events.js';
import type { Clock, TimerId } from '../../runtime/clock.js';
import type { ModelRecord } from './convert/resource.js';
import { describeProblem, readFileContents } from './file-documents.js';
import type { FileContents } from './file-documents.js';
import type { FileParser } from './file-parser.js';
import type { FileSystemPort } from './file-system.js';
import { DatastoreError } from './model-file.js';
import { RecordSnapshot } from './record-snapshot.js';

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
  /**
   * Sources' positions moved (a file's stamp, a Kubernetes resource's resourceVersion), for resuming
   * later; an empty position: the source is gone. Sent after the records they stand for.
   */
  onPositions?(positions: readonly SourcePosition[]): void;
}

/** A source (`file:PATH`, a Kubernetes resource or object) and where it stands. */
export type SourcePosition = readonly [source: string, position: string];

/** Where a datastore resumes after a restart: what the previous run had taken in (durable state). */
export interface DatastoreResume {
  /** Per source (`file:PATH`, a Kubernetes resource) the position last taken in. */
  readonly positions: ReadonlyMap<string, string>;
  /** The records the previous run took in, as the datastore sent them; every record, so loaded only when needed. */
  records(): Promise<readonly ModelRecord[]>;
}

/** A file's position is stored under this prefix and its path; an empty position: the file is gone. */
export const FILE_POSITION = 'file:';

export interface FileDatastoreOptions {
  readonly fs: FileSystemPort;
  readonly clock: Clock;
  /** Changes closer together than this are read as one. Default 100 ms. */
  readonly debounceMs?: number;
  /**
   * For reading every file (start, and the background re-read of a resume): a parser to hand the files
   * to (file-parser.ts: a piscina pool), closed once they are read. Default: parse in place.
   */
  readonly parser?: () => FileParser;
}

/** Fewer files than this are parsed in place even when a parser is given: a pool's start costs more. */
const POOL_MIN_FILES = 4;

/** A file as read: its stamp and contents, or why it could not be read. */
type LoadedFile = { readonly stamp: string; readonly contents: FileContents } | { readonly error: Error };

export class FileDatastore {
  readonly root: string;
  readonly #fs: FileSystemPort;
  readonly #clock: Clock;
  readonly #debounceMs: number;
  readonly #parser: (() => FileParser) | undefined;
  readonly #snapshot = new RecordSnapshot();
  readonly #files = new Set<string>();
  #revision = 0;
  #sink: DatastoreSink | undefined;
  #stopWatching: (() => void) | undefined;
  #timer: TimerId | undefined;
  #changed = new Set<string>();
  #fullRescan = false;
  #reading: Promise<void> = Promise.resolve();
  /** Each file's stamp when it was last read; positions not yet reported. */
  readonly #stamps = new Map<string, string>();
  #unreported = new Set<string>();
  /** True when `start` found every file as the previous run left it and reported InSync without reading. */
  resumedUnchanged = false;

  constructor(root: string, options: FileDatastoreOptions) {
    this.root = root;
    this.#fs = options.fs;
    this.#clock = options.clock;
    this.#debounceMs = options.debounceMs ?? 100;
    this.#parser = options.parser;
  }

  get revision(): number {
    return this.#revision;
  }

  /**
   * Loads everything and reports InSync; then follows changes until `stop`. Rejects if the root cannot
   * be read. `resumeFrom`: the records a previous run sent (durable state); only the differences go out.
   */
  async start(sink: DatastoreSink, resume?: DatastoreResume): Promise<void> {
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
    if (resume !== undefined && await this.#unchangedSince(resume.positions, files)) {
      // Every file is as the previous run left it: what it took in is current. Re-read in the background.
      this.resumedUnchanged = true;
      sink.onStatus('InSync');
      this.#reading = this.#reading.then(() => this.#reconcile(files, resume));
      return;
    }
    if (resume !== undefined) this.#snapshot.seedPublished(await resume.records());
    await this.#readAll(files);
    this.#publish();
    sink.onStatus('InSync');
  }

  /** True when the files are exactly those of `positions`, each with the stamp stored for it. */
  async #unchangedSince(positions: ReadonlyMap<string, string>, files: readonly string[]): Promise<boolean> {
    const stored = [...positions].filter(([source]) => source.startsWith(FILE_POSITION));
    if (stored.length !== files.length) return false;
    for (const file of files) {
      const stamp = positions.get(FILE_POSITION + file);
      if (stamp === undefined || stamp !== await this.#fs.stamp(file).catch(() => undefined)) return false;
    }
    return true;
  }

  /** After an unchanged resume: reads everything and sends what differs from what the previous run took in (normally nothing). */
  async #reconcile(files: readonly string[], resume: DatastoreResume): Promise<void> {
    this.#snapshot.seedPublished(await resume.records());
    await this.#readAll(files);
    this.#publish();
  }

  /** Reads every file, parsed on the parser's threads when there are enough of them; taken in in file order. */
  async #readAll(files: readonly string[]): Promise<void> {
    if (this.#parser === undefined || files.length < POOL_MIN_FILES) {
      for (const file of files) this.#take(file, await this.#load(file, undefined));
      return;
    }
    const parser = this.#parser();
    try {
      // A few files per thread in flight: the threads stay busy, memory holds a handful of texts.
      const window = Math.max(1, parser.threads) * 4;
      const loading: Promise<LoadedFile>[] = [];
      for (let index = 0; index < files.length; index += 1) {
        while (loading.length < Math.min(files.length, index + window)) loading.push(this.#load(files[loading.length]!, parser));
        this.#take(files[index]!, await loading[index]!);
      }
    } finally {
      await parser.close();
    }
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
    for (const file of [...this.#files]) {
      if (present.has(file)) continue;
      this.#files.delete(file);
      this.#snapshot.delete(file);
      this.#forget(file);
    }
    for (const file of files) if (full || changed.has(file) || !this.#files.has(file)) await this.#readFile(file);
    this.#publish();
  }

  async #readFile(file: string): Promise<void> {
    this.#take(file, await this.#load(file, undefined));
  }

  async #load(file: string, parser: FileParser | undefined): Promise<LoadedFile> {
    let text: string;
    let stamp: string;
    try {
      // Stamp first: a change racing the read leaves an older stamp, so it is read again next time.
      stamp = await this.#fs.stamp(file);
      text = await this.#fs.read(file);
    } catch (error) {
      return { error: error as Error };
    }
    return { stamp, contents: parser === undefined ? readFileContents(file, text) : await parser.parse(file, text) };
  }

  #take(file: string, loaded: LoadedFile): void {
    if ('error' in loaded) {
      this.#files.delete(file);
      this.#snapshot.delete(file);
      this.#forget(file);
      this.#sink?.onProblem(`${file}: cannot read: ${loaded.error.message}`);
      return;
    }
    const { stamp, contents } = loaded;
    for (const problem of contents.problems) this.#sink?.onProblem(describeProblem(problem));
    this.#files.add(file);
    // A key defined in two files takes the record of the file that sorts last.
    this.#snapshot.set(file, contents.records);
    this.#stamps.set(file, stamp);
    this.#unreported.add(file);
  }

  #forget(file: string): void {
    if (this.#stamps.delete(file)) this.#unreported.add(file);
  }

  /** Sends what differs from the last published state, as the next revision. */
  #publish(): void {
    const updates = this.#snapshot.changes();
    if (updates.length > 0) {
      this.#revision += 1;
      this.#sink?.onUpdates(updates, this.#revision);
    }
    // After the records: a position is stored only once what it stands for has been taken in.
    if (this.#unreported.size > 0) this.#sink?.onPositions?.([...this.#unreported].map((file) => [FILE_POSITION + file, this.#stamps.get(file) ?? ''] as const));
    this.#unreported = new Set();
  }
}
