/**
 * The file datastore's view of a file tree: list, read, stamp, watch. `NodeFileSystem` is the real one
 * (fs.watch, recursive); `MemoryFileSystem` is its twin for tests, where a test writes and deletes
 * files and the watcher fires at once.
 */
import { createHash } from 'node:crypto';
import { watch } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

export interface FileSystemPort {
  /** Every file under `root` (or `root` itself when it is a file), sorted. */
  list(root: string): Promise<string[]>;
  read(path: string): Promise<string>;
  /** A mark that changes whenever the file's content may have (size and modification time): a datastore position. */
  stamp(path: string): Promise<string>;
  /** Calls `onChange` with the path of a changed file (or undefined when unknown); returns a stop function. */
  watch(root: string, onChange: (path: string | undefined) => void): () => void;
}

const DATA_FILE = /\.(ya?ml|json|jsonl)$/i;

export class NodeFileSystem implements FileSystemPort {
  async list(root: string): Promise<string[]> {
    const info = await stat(root);
    if (info.isFile()) return [root];
    const entries = await readdir(root, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile() && DATA_FILE.test(entry.name) && !entry.name.startsWith('.'))
      .map((entry) => join(entry.parentPath, entry.name))
      .sort();
  }

  read(path: string): Promise<string> {
    return readFile(path, 'utf8');
  }

  async stamp(path: string): Promise<string> {
    const info = await stat(path, { bigint: true });
    return `${info.size}:${info.mtimeNs}:${info.ino}`;
  }

  watch(root: string, onChange: (path: string | undefined) => void): () => void {
    const watcher = watch(root, { recursive: true }, (_event, name) => onChange(name === null ? undefined : join(root, name)));
    watcher.on('error', () => onChange(undefined));
    return () => watcher.close();
  }
}

export class MemoryFileSystem implements FileSystemPort {
  readonly files = new Map<string, string>();
  readonly #watchers = new Set<(path: string | undefined) => void>();

  list(root: string): Promise<string[]> {
    const paths = [...this.files.keys()].filter((path) => path === root || !relative(root, path).startsWith('..')).sort();
    if (paths.length === 0 && !this.files.has(root)) return Promise.reject(Object.assign(new Error(`ENOENT: no such file or directory, stat '${root}'`), { code: 'ENOENT' }));
    return Promise.resolve(paths.filter((path) => DATA_FILE.test(path)));
  }

  read(path: string): Promise<string> {
    const text = this.files.get(path);
    return text === undefined ? Promise.reject(Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' })) : Promise.resolve(text);
  }

  /** The twin's stamp is a hash of the content, so it holds even for files a test sets directly. */
  stamp(path: string): Promise<string> {
    const text = this.files.get(path);
    return text === undefined ? Promise.reject(Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' })) : Promise.resolve(createHash('sha1').update(text).digest('hex'));
  }

  watch(_root: string, onChange: (path: string | undefined) => void): () => void {
    this.#watchers.add(onChange);
    return () => this.#watchers.delete(onChange);
  }

  write(path: string, text: string): void {
    this.files.set(path, text);
    for (const watcher of this.#watchers) watcher(path);
  }

  delete(path: string): void {
    this.files.delete(path);
    for (const watcher of this.#watchers) watcher(path);
  }
}
