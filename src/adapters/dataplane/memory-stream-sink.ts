/**
 * The in-memory twin of `--dataplane file:PATH` (file-frame-sink.ts) for crash tests under simulated
 * time: a stream that outlives the "process" (the test keeps the object across restarts), positioned
 * by message count, resumable from a stored position. Messages are copied as they are written, as
 * encoding them into a file would.
 */
import type { DataplaneSink } from '../../actors/calc/output/dataplane-connection.js';
import type { ToDataplane } from '../../protocol/dataplane/messages.js';

interface StreamPosition { readonly messages: number }

export class MemoryStreamSink implements DataplaneSink {
  readonly messages: ToDataplane[] = [];

  write(message: ToDataplane): void {
    this.messages.push(structuredClone(message));
  }

  position(): StreamPosition {
    return { messages: this.messages.length };
  }

  resume(position: unknown): { keep: boolean; messages: ToDataplane[] } {
    const stored = (position as StreamPosition | undefined)?.messages;
    const keep = stored !== undefined && stored <= this.messages.length;
    return { keep, messages: this.messages.slice(keep ? stored : 0) };
  }
}
