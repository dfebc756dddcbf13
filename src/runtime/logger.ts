/**
 * Structured JSON logs (pino) whose timestamps come from the injected clock, so logs written under
 * simulation carry simulated time. Human-readable output on a TTY comes with the inspection issue.
 */
import { pino } from 'pino';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';

export type { Logger } from 'pino';

export function createLogger(clock: Clock, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino(
    { base: undefined, timestamp: () => `,"time":${Math.round(clock.now())}` },
    destination,
  );
}
