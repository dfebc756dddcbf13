/**
 * Placement: which thread each actor runs on. A configuration maps actor paths, or groups of them,
 * to `main` or `worker:N`; everything not named stays on `main`. Every thread holds the same rules, so
 * any thread can tell where a path lives without asking (the directory is the configuration).
 *
 *   { "workers": 2, "actors": { "/calc/member-calc": "worker:1", "/calc/*": "worker:2" } }
 *
 * A rule is an exact path, or a group: `/calc/*` (the children of `/calc`) or `/calc/**` (everything
 * below it). The most specific rule wins: an exact path, then the longest group. Supervisors always
 * run on `main` (they are cheap, and the supervision tree stays in one place); a rule naming one is
 * an error. Reply addresses of asks made on a worker (`/_ask/wN/...`) live on that worker.
 */
import { TroupeError } from '../errors.js';

export type ThreadName = 'main' | `worker:${number}`;

export class PlacementError extends TroupeError {
  constructor(message: string) {
    super('PLACEMENT_ERR_INVALID', message);
  }
}

export interface PlacementConfig {
  /** How many worker threads to start (worker:1 … worker:N). Default: the highest worker a rule names. */
  readonly workers?: number;
  readonly actors?: Readonly<Record<string, string>>;
}

interface Rule { readonly pattern: string; readonly prefix: string; readonly deep: boolean; readonly thread: ThreadName }

const ASK_ON_WORKER = /^\/_ask\/w(\d+)\//;

export function parseThread(text: string, where: string): ThreadName {
  if (text === 'main') return 'main';
  const match = /^worker:(\d+)$/.exec(text);
  if (match === null || Number(match[1]) < 1) throw new PlacementError(`${where}: ${JSON.stringify(text)} is not a thread (expected main or worker:N, N ≥ 1)`);
  return `worker:${Number(match[1])}`;
}

export class Placement {
  readonly workers: number;
  readonly #exact = new Map<string, ThreadName>();
  /** Groups, longest prefix first. */
  readonly #groups: Rule[] = [];

  constructor(config: PlacementConfig = {}) {
    let highest = 0;
    for (const [pattern, target] of Object.entries(config.actors ?? {})) {
      if (!pattern.startsWith('/')) throw new PlacementError(`placement rule ${JSON.stringify(pattern)}: an actor path starts with /`);
      const thread = parseThread(target, `placement rule ${pattern}`);
      if (thread !== 'main') highest = Math.max(highest, Number(thread.slice('worker:'.length)));
      const group = /^(.*)\/(\*\*?)$/.exec(pattern);
      if (group === null) this.#exact.set(pattern, thread);
      else this.#groups.push({ pattern, prefix: `${group[1]}/`, deep: group[2] === '**', thread });
    }
    this.#groups.sort((a, b) => b.prefix.length - a.prefix.length || Number(b.deep === false) - Number(a.deep === false));
    if (config.workers !== undefined && (!Number.isInteger(config.workers) || config.workers < 0)) {
      throw new PlacementError(`placement: workers must be a whole number ≥ 0, got ${JSON.stringify(config.workers)}`);
    }
    if (config.workers !== undefined && config.workers < highest) {
      throw new PlacementError(`placement: a rule names worker:${highest} but only ${config.workers} worker${config.workers === 1 ? '' : 's'} would start`);
    }
    this.workers = config.workers ?? highest;
  }

  /** Everything on main: the placement of a single-threaded system (and of every simulation). */
  static readonly MAIN = new Placement();

  get multiThreaded(): boolean {
    return this.workers > 0 && (this.#exact.size > 0 || this.#groups.length > 0);
  }

  /** The thread `path` runs on. */
  threadOf(path: string): ThreadName {
    const ask = ASK_ON_WORKER.exec(path);
    if (ask !== null) return `worker:${Number(ask[1])}`;
    const exact = this.#exact.get(path);
    if (exact !== undefined) return exact;
    for (const group of this.#groups) {
      if (!path.startsWith(group.prefix)) continue;
      if (group.deep || !path.slice(group.prefix.length).includes('/')) return group.thread;
    }
    return 'main';
  }

  /** The rules as given (for the inspection endpoint and `--help`-style summaries). */
  describe(): { workers: number; actors: Record<string, ThreadName> } {
    return { workers: this.workers, actors: Object.fromEntries([...this.#exact, ...this.#groups.map((group) => [group.pattern, group.thread] as const)]) };
  }

  /** Throws if `path`, a supervisor, is placed off the main thread. */
  checkSupervisor(path: string): void {
    const thread = this.threadOf(path);
    if (thread !== 'main') throw new PlacementError(`placement puts supervisor ${path} on ${thread}: supervisors run on main`);
  }
}
