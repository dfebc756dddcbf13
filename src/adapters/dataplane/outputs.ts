/**
 * Where `troupe run` sends the dataplane stream (`--dataplane`):
 *   none          nowhere (the view is still computed);
 *   stdout        one JSON object per ToDataplane message;
 *   file:PATH     appended as Felix frames (8-byte little-endian length + protobuf), so a file that
 *                 outlives many runs can be replayed from the start;
 *   driver:CMD    a dataplane driver started as Felix starts one: the stream on its fd 3, its replies
 *                 (FromDataplane frames) read from its fd 4, its stdout and stderr shared with ours.
 * An output that breaks (a driver exiting, a file that cannot be written) settles `failed`.
 */
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { FrameSink } from '../../actors/calc/output/dataplane-connection.js';
import type { DataplaneSink } from '../../actors/calc/output/dataplane-connection.js';
import { FrameDecoder } from '../../protocol/dataplane/codec.js';
import type { ToDataplane } from '../../protocol/dataplane/messages.js';
import { TroupeError } from '../../runtime/errors.js';
import { FileFrameSink } from './file-frame-sink.js';

export class DataplaneOutputError extends TroupeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('DATAPLANE_ERR_OUTPUT', message, options);
  }
}

export interface DataplaneOutput {
  readonly sink: DataplaneSink;
  readonly description: string;
  /** Settles when the output breaks. */
  readonly failed: Promise<Error>;
  /** Messages the driver sent back (FromDataplane), counted. */
  readonly received: () => number;
  close(): Promise<void>;
}

function endStream(stream: Writable): Promise<void> {
  return new Promise((resolve) => { stream.end(() => resolve()); });
}

function fileOutput(path: string): DataplaneOutput {
  const sink = new FileFrameSink(path);
  const failed = sink.failed.then((error) => new DataplaneOutputError(error.message, { cause: error.cause }));
  return { sink, description: `framed messages appended to ${path}`, failed, received: () => 0, close: () => { sink.close(); return Promise.resolve(); } };
}

function driverOutput(command: string): DataplaneOutput {
  const child = spawn(command, { shell: true, stdio: ['ignore', 'inherit', 'inherit', 'pipe', 'pipe'] });
  const toDriver = child.stdio[3] as Writable;
  const fromDriver = child.stdio[4] as Readable;
  let received = 0;
  const decoder = new FrameDecoder('from-dataplane');
  fromDriver.on('data', (chunk: Buffer) => { received += decoder.push(chunk).length; });
  let closing = false;
  const frames = new FrameSink((frame) => toDriver.write(frame));
  const failed = new Promise<Error>((resolve) => {
    child.once('error', (error) => resolve(new DataplaneOutputError(`cannot start the dataplane driver ${JSON.stringify(command)}: ${error.message}`, { cause: error })));
    child.once('exit', (code, signal) => { if (!closing) resolve(new DataplaneOutputError(`the dataplane driver ${JSON.stringify(command)} exited (${signal ?? `code ${code}`})`)); });
    toDriver.once('error', (error) => { if (!closing) resolve(new DataplaneOutputError(`writing to the dataplane driver failed: ${error.message}`, { cause: error })); });
  });
  return {
    sink: perProcessSink((message) => frames.write(message)),
    description: `dataplane driver ${JSON.stringify(command)} (pid ${child.pid ?? '?'}, fd 3 / fd 4)`,
    failed,
    received: () => received,
    close: async () => {
      closing = true;
      await endStream(toDriver);
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/**
 * A consumer that lives only as long as this process (stdout, a driver we start): after a restart of
 * the process it is a new one and gets a complete stream from 0; after a restart of the dataplane
 * actor inside the process it is the same one, and the stream continues.
 */
export function perProcessSink(write: (message: ToDataplane) => void): DataplaneSink {
  let written = 0;
  return {
    write: (message) => {
      written += 1;
      write(message);
    },
    resume: () => (written > 0 ? { keep: true, messages: [] } : undefined),
  };
}

export function openDataplaneOutput(spec: string, stdout: Writable): DataplaneOutput {
  const never = new Promise<Error>(() => undefined);
  if (spec === 'none') return { sink: perProcessSink(() => undefined), description: 'not sent anywhere (--dataplane none)', failed: never, received: () => 0, close: () => Promise.resolve() };
  if (spec === 'stdout') {
    return { sink: perProcessSink((message) => { stdout.write(`${JSON.stringify(message)}\n`); }), description: 'JSON lines on stdout', failed: never, received: () => 0, close: () => Promise.resolve() };
  }
  if (spec.startsWith('file:') && spec.length > 'file:'.length) return fileOutput(spec.slice('file:'.length));
  if (spec.startsWith('driver:') && spec.length > 'driver:'.length) return driverOutput(spec.slice('driver:'.length));
  throw new DataplaneOutputError(`--dataplane ${JSON.stringify(spec)}: expected stdout, file:PATH, driver:COMMAND or none`);
}
