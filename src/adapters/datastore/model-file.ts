/**
 * Model KV files (ARCHITECTURE.md, Inputs): `{ type, key, value }` records in the calc model's own
 * terms, as one JSON array or as JSON lines. Records are handed on raw; the validation filter decides
 * what each one means. A file that cannot be read, or a JSON array that does not parse, is an
 * operating error naming the file; a JSON line that does not parse is reported with its line number
 * and skipped, so one bad line does not lose the rest.
 */
import { readFile } from 'node:fs/promises';
import { TroupeError } from '../../runtime/errors.js';

export class DatastoreError extends TroupeError {
  constructor(code: 'DATASTORE_ERR_READ' | 'DATASTORE_ERR_PARSE', readonly path: string, message: string, options?: { cause?: unknown }) {
    super(code, `${path}: ${message}`, options);
  }
}

export interface ModelLoad {
  readonly records: readonly unknown[];
  /** Lines that were skipped, each `file:line: reason`. */
  readonly problems: readonly string[];
}

/** Where a one-shot run gets its records: a file, or (tests) memory. */
export interface ModelSource {
  readonly name: string;
  load(): Promise<ModelLoad>;
}

export class MemoryModelSource implements ModelSource {
  readonly name = 'memory';
  constructor(private readonly records: readonly unknown[]) {}
  load(): Promise<ModelLoad> {
    return Promise.resolve({ records: this.records, problems: [] });
  }
}

export class ModelFileSource implements ModelSource {
  constructor(readonly name: string) {}

  async load(): Promise<ModelLoad> {
    let text: string;
    try {
      text = await readFile(this.name, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
      throw new DatastoreError('DATASTORE_ERR_READ', this.name, `cannot read: ${reason}`, { cause: error });
    }
    return parseModelText(text, this.name);
  }
}

function lineOf(text: string, position: number): number {
  return text.slice(0, position).split('\n').length;
}

export function parseModelText(text: string, name: string): ModelLoad {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trimStart().startsWith('[')) {
    try {
      const records = JSON.parse(body) as unknown;
      if (!Array.isArray(records)) throw new SyntaxError('expected an array of records');
      return { records, problems: [] };
    } catch (error) {
      const position = /position (\d+)/.exec((error as Error).message)?.[1];
      const where = position === undefined ? '' : ` (line ${lineOf(body, Number(position))})`;
      throw new DatastoreError('DATASTORE_ERR_PARSE', name, `not a JSON array of records${where}: ${(error as Error).message}`, { cause: error });
    }
  }
  const records: unknown[] = [];
  const problems: string[] = [];
  body.split('\n').forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '') return;
    try {
      records.push(JSON.parse(trimmed));
    } catch (error) {
      problems.push(`${name}:${index + 1}: not JSON (${(error as Error).message}); line skipped`);
    }
  });
  if (records.length === 0 && problems.length > 0) {
    throw new DatastoreError('DATASTORE_ERR_PARSE', name, 'neither a JSON array nor JSON lines of records');
  }
  return { records, problems };
}
