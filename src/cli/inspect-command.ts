/**
 * `troupe inspect [ADDR]`: the actor tree of a running troupe as a terminal table (path, state,
 * mailbox, rate, restarts), refreshed with `--watch`, as JSON with `--json`, or one actor in detail
 * with `--actor PATH`. Exit codes: 0 shown; 1 the endpoint could not be reached or refused.
 */
import { readFile } from 'node:fs/promises';
import { realClock } from '../runtime/clock.js';
import type { Clock } from '../runtime/clock.js';

export interface InspectOptions {
  readonly address: string;
  readonly json: boolean;
  readonly watch?: number;
  readonly actor?: string;
  readonly tokenFile?: string;
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  readonly clock?: Clock;
  /** Ends `--watch` (tests); SIGINT does too. */
  readonly stop?: Promise<void>;
  /** Called after each table or document is printed (tests wait on it). */
  readonly onShown?: (count: number) => void;
}

interface ActorRow {
  readonly path: string;
  readonly kind: string;
  readonly status: string;
  readonly state: unknown;
  readonly mailbox: { depth: number; capacity: number; highWater: number };
  readonly messagesPerSecond: number;
  readonly restarts: number;
}

function baseUrl(address: string): string {
  return /^https?:\/\//.test(address) ? address.replace(/\/$/, '') : `http://${address}`;
}

export function formatTable(actors: readonly ActorRow[]): string {
  const rows = actors.map((actor) => [
    actor.path,
    typeof actor.state === 'string' ? actor.state : JSON.stringify(actor.state),
    actor.status,
    `${actor.mailbox.depth}/${actor.mailbox.capacity} (max ${actor.mailbox.highWater})`,
    `${actor.messagesPerSecond}/s`,
    String(actor.restarts),
  ]);
  const header = ['PATH', 'STATE', 'STATUS', 'MAILBOX', 'RATE', 'RESTARTS'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  return [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

async function fetchJson(url: string, token: string | undefined): Promise<unknown> {
  const response = await fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${(await response.text()).trim()}`);
  return response.json() as Promise<unknown>;
}

export async function inspectCommand(options: InspectOptions): Promise<number> {
  const base = baseUrl(options.address);
  const clock = options.clock ?? realClock;
  try {
    const token = options.tokenFile === undefined ? undefined : (await readFile(options.tokenFile, 'utf8')).trim();
    const show = async () => {
      if (options.actor !== undefined) {
        const detail = await fetchJson(`${base}/actors${options.actor}`, token);
        options.out.write(`${JSON.stringify(detail, null, 2)}\n`);
        return;
      }
      const tree = await fetchJson(`${base}/actors`, token) as { actors: ActorRow[] };
      options.out.write(options.json ? `${JSON.stringify(tree, null, 2)}\n` : `${formatTable(tree.actors)}\n`);
    };
    let shown = 0;
    const showAndTell = async () => {
      await show();
      shown += 1;
      options.onShown?.(shown);
    };
    await showAndTell();
    if (options.watch === undefined) return 0;
    let stopped = false;
    const stop = () => { stopped = true; };
    process.once('SIGINT', stop);
    void options.stop?.then(stop);
    while (!stopped) {
      await new Promise<void>((resolve) => { clock.setTimeout(resolve, options.watch! * 1000); });
      if (stopped) break;
      options.out.write(options.json ? '' : '\u001b[2J\u001b[H');
      await showAndTell();
    }
    process.off('SIGINT', stop);
    return 0;
  } catch (error) {
    options.err.write(`troupe inspect: ${(error as Error).message}\n`);
    return 1;
  }
}
