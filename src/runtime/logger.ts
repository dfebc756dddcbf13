/**
 * Structured JSON logs (pino) whose timestamps come from the injected clock, so logs written under
 * simulation carry simulated time. Lines about an actor carry its path as `actor`. On a terminal the
 * same records are printed as readable lines (`12:00:01.234 WARN /calc/arc crashed: …`).
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';

export type { Logger } from 'pino';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** UTC time of day `HH:MM:SS.mmm` of a clock reading (milliseconds since the epoch, or since a simulation began). */
function clockTime(ms: number): string {
  const day = ((Math.round(ms) % 86_400_000) + 86_400_000) % 86_400_000;
  const pad = (value: number, width = 2) => String(value).padStart(width, '0');
  return `${pad(Math.floor(day / 3_600_000))}:${pad(Math.floor(day / 60_000) % 60)}:${pad(Math.floor(day / 1000) % 60)}.${pad(day % 1000, 3)}`;
}

/** One pino JSON record as a readable line. */
export function prettyLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const { level, time, msg, actor, ...rest } = record;
  const when = typeof time === 'number' ? clockTime(time) : '';
  const extra = Object.keys(rest).length === 0 ? '' : ` ${JSON.stringify(rest)}`;
  return `${when} ${LEVELS[level as number] ?? String(level)}${actor === undefined ? '' : ` ${String(actor)}`} ${String(msg ?? '')}${extra}`;
}

function prettyStream(destination: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      const lines = chunk.toString('utf8').split('\n').filter((line) => line !== '');
      destination.write(lines.map((line) => `${prettyLine(line)}\n`).join(''));
      done();
    },
  });
}

export function createLogger(clock: Clock, destination: NodeJS.WritableStream = process.stderr, options: { pretty?: boolean } = {}): Logger {
  const pretty = options.pretty ?? (destination as { isTTY?: boolean }).isTTY === true;
  return pino(
    { base: undefined, timestamp: () => `,"time":${Math.round(clock.now())}` },
    pretty ? prettyStream(destination) : destination,
  );
}
