/**
 * Parsing and converting the datastore's files (YAML or JSON to model records) is the largest piece of
 * CPU work outside the calculators: 8.4 s for 100,000 pods and 10,000 policies on one core. A large
 * initial read hands it to a piscina pool, so files are parsed on other threads while main takes in
 * the results in file order; small reads (one changed file) are parsed in place, where a thread's
 * round trip would cost more than the work. `InlineParser` is the in-process twin tests use.
 */
import { Piscina } from 'piscina';
import { readFileContents } from './file-documents.js';
import type { FileContents } from './file-documents.js';

export interface FileParser {
  /** Threads it parses on (0: in place). */
  readonly threads: number;
  parse(file: string, text: string): Promise<FileContents>;
  close(): Promise<void>;
}

export class InlineParser implements FileParser {
  readonly threads = 0;

  parse(file: string, text: string): Promise<FileContents> {
    return Promise.resolve(readFileContents(file, text));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The task module beside this one: JavaScript when built; TypeScript (with tsx's loader in each thread) from sources. */
function task(): { filename: string; execArgv: string[] } {
  const typescript = import.meta.url.endsWith('.ts');
  return { filename: new URL(`./parse-task.${typescript ? 'ts' : 'js'}`, import.meta.url).href, execArgv: typescript ? ['--import', 'tsx'] : [] };
}

export class PooledParser implements FileParser {
  readonly threads: number;
  readonly #pool: Piscina;

  constructor(threads: number) {
    this.threads = threads;
    const { filename, execArgv } = task();
    // Tasks are queued by the caller a few at a time (see FileDatastore), so the queue needs no bound here.
    this.#pool = new Piscina({ filename, minThreads: threads, maxThreads: threads, maxQueue: Number.POSITIVE_INFINITY, execArgv, resourceLimits: { maxYoungGenerationSizeMb: 96 } });
  }

  /** The task answers with JSON (parse-task.ts says why). */
  parse(file: string, text: string): Promise<FileContents> {
    return (this.#pool.run({ file, text }) as Promise<string>).then((json) => JSON.parse(json) as FileContents);
  }

  async close(): Promise<void> {
    await this.#pool.destroy();
  }
}
