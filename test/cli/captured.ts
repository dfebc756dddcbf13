/** Runs a command function with in-memory stdout and stderr; returns its exit code and what it wrote. */
import { PassThrough } from 'node:stream';

export interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stdoutBytes: Buffer;
  readonly stderr: string;
}

export async function captured(command: (out: PassThrough, err: PassThrough) => Promise<number>): Promise<Captured> {
  const out = new PassThrough();
  const err = new PassThrough();
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => outChunks.push(chunk));
  err.on('data', (chunk: Buffer) => errChunks.push(chunk));
  const code = await command(out, err);
  const stdoutBytes = Buffer.concat(outChunks);
  return { code, stdout: stdoutBytes.toString(), stdoutBytes, stderr: Buffer.concat(errChunks).toString() };
}
