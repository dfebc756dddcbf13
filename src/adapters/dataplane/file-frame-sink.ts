/**
 * `--dataplane file:PATH`: Felix frames appended to a file that outlives the process, so that
 * applying the whole file, across any number of restarts and crashes, gives the dataplane's view.
 * Each frame is written with one synchronous `write(2)`: once `write` returns, the frame is in the
 * kernel and a `kill -9` cannot lose it, and the file's length is an exact position to store.
 * After a restart, `resume` reads what the file has beyond the stored position (frames written
 * after the last commit of the mirror), cuts a torn frame off the end, and the stream continues.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { encodeToDataplane, FrameDecoder } from '../../protocol/dataplane/codec.js';
import type { ToDataplane } from '../../protocol/dataplane/messages.js';
import type { DataplaneSink } from '../../actors/calc/output/dataplane-connection.js';

interface FilePosition { readonly bytes: number }

const READ_CHUNK = 1 << 20;

export class FileFrameSink implements DataplaneSink {
  readonly path: string;
  readonly failed: Promise<Error>;
  #fd: number | undefined;
  #bytes = 0;
  #fail: (error: Error) => void = () => undefined;

  constructor(path: string) {
    this.path = path;
    this.failed = new Promise((resolve) => { this.#fail = resolve; });
    try {
      this.#fd = openSync(path, 'a+');
      this.#bytes = fstatSync(this.#fd).size;
    } catch (error) {
      this.#broken(error);
    }
  }

  write(message: ToDataplane): void {
    if (this.#fd === undefined) return;
    const frame = encodeToDataplane(message as unknown as Record<string, unknown>);
    try {
      let written = 0;
      while (written < frame.length) written += writeSync(this.#fd, frame, written, frame.length - written);
      this.#bytes += frame.length;
    } catch (error) {
      this.#broken(error);
    }
  }

  position(): FilePosition {
    return { bytes: this.#bytes };
  }

  /** What the file holds after `position`; from the start when the file is shorter (it was replaced). */
  resume(position: unknown): { keep: boolean; messages: ToDataplane[] } {
    if (this.#fd === undefined) return { keep: true, messages: [] };
    const stored = (position as FilePosition | undefined)?.bytes;
    const keep = stored !== undefined && stored <= this.#bytes;
    const { messages, end } = this.#readFrames(keep ? stored : 0);
    if (end < this.#bytes) {
      ftruncateSync(this.#fd, end); // a frame torn by a crash mid-write: it was never sent
      this.#bytes = end;
    }
    return { keep, messages };
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #readFrames(from: number): { messages: ToDataplane[]; end: number } {
    const decoder = new FrameDecoder('to-dataplane');
    const messages: ToDataplane[] = [];
    const buffer = Buffer.alloc(READ_CHUNK);
    let offset = from;
    while (offset < this.#bytes) {
      const read = readSync(this.#fd!, buffer, 0, Math.min(READ_CHUNK, this.#bytes - offset), offset);
      if (read === 0) break;
      for (const message of decoder.push(buffer.subarray(0, read))) messages.push(message as unknown as ToDataplane);
      offset += read;
    }
    return { messages, end: offset - decoder.buffered };
  }

  #broken(error: unknown): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    this.#fail(new Error(`cannot write ${this.path}: ${(error as Error).message}`, { cause: error }));
  }
}
