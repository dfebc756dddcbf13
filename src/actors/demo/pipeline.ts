/**
 * The demo pipeline `troupe run` shows until the calculation pipeline lands. Wired here, in one place:
 *
 *   /demo (supervisor, one-for-one: the source keeps its place when the parser restarts)
 *     /demo/source ──raw──> /demo/parser ──reading──> /demo/counter ──totals──> /demo/printer
 *     ticks on the clock     crashes on bad input      sums per key               coalesce mailbox: the newest
 *     (transient: stops       (poison message is                                   total per key wins while queued;
 *      after N records)        dead-lettered)                                      prints; stops on `end`
 *
 * After the last record the source sends `end`, which travels behind the data (per-sender FIFO), so
 * when the printer sees it everything before it has been printed.
 */
import { assign, fromTransition, setup } from 'xstate';
import { emitSend, sendTo } from '../../runtime/message.js';
import type { Envelope, SendCommand } from '../../runtime/message.js';
import type { ActorSystem } from '../../runtime/system.js';
import { addReading, parseRecord, rawRecord } from './records.js';
import type { Reading } from './records.js';

export interface DemoOptions {
  readonly records: number;
  readonly intervalMs: number;
  /** Where the printer writes its lines. */
  readonly write: (line: string) => void;
}

const sourceLogic = setup({
  types: {
    context: {} as { sent: number; total: number; intervalMs: number },
    input: {} as { total: number; intervalMs: number },
    events: {} as Envelope,
    emitted: {} as SendCommand,
  },
  delays: { interval: ({ context }) => context.intervalMs },
}).createMachine({
  context: ({ input }) => ({ sent: 0, total: input.total, intervalMs: input.intervalMs }),
  initial: 'producing',
  states: {
    producing: {
      always: { guard: ({ context }) => context.sent >= context.total, target: 'finished', actions: sendTo('/demo/parser', { type: 'end' }) },
      after: {
        interval: {
          target: 'producing',
          reenter: true,
          actions: [assign({ sent: ({ context }) => context.sent + 1 }), sendTo('/demo/parser', 'raw', ({ context }) => rawRecord(context.sent))],
        },
      },
    },
    finished: { type: 'final' },
  },
});

const parserLogic = fromTransition((parsed: number, event: Envelope, scope) => {
  if (event.type === 'end') {
    emitSend(scope, '/demo/counter', { type: 'end' });
    return parsed;
  }
  if (event.type !== 'raw') return parsed;
  emitSend(scope, '/demo/counter', { type: 'reading', payload: parseRecord(event.payload as string) });
  return parsed + 1;
}, 0);

const counterLogic = fromTransition((totals: Record<string, number>, event: Envelope, scope) => {
  if (event.type === 'end') {
    emitSend(scope, '/demo/printer', { type: 'end', payload: totals });
    return totals;
  }
  if (event.type !== 'reading') return totals;
  const reading = event.payload as Reading;
  const next = addReading(totals, reading);
  emitSend(scope, '/demo/printer', { type: 'totals', payload: { key: reading.key, total: next[reading.key] } });
  return next;
}, {} as Record<string, number>);

function printerLogic(write: (line: string) => void) {
  return setup({ types: { context: {} as { lines: number }, events: {} as Envelope } }).createMachine({
    context: { lines: 0 },
    initial: 'printing',
    states: {
      printing: {
        on: {
          totals: { actions: [({ event }) => { const { key, total } = event.payload as { key: string; total: number }; write(`total ${key} = ${total}`); }, assign({ lines: ({ context }) => context.lines + 1 })] },
          end: { target: 'done', actions: ({ event }) => write(`end of input; totals ${JSON.stringify(event.payload)}`) },
        },
      },
      done: { type: 'final' },
    },
  });
}

/** Spawns the demo pipeline under `/demo`. Downstream actors start first so nothing is sent to nobody. */
export function spawnDemoPipeline(system: ActorSystem, options: DemoOptions): void {
  system.spawnSupervisor('/demo', {
    strategy: 'one-for-one',
    intensity: { maxRestarts: 5, withinMs: 10_000 },
    backoff: { minMs: 50, maxMs: 1000, jitter: 0.2 },
  });
  system.spawn('/demo/printer', printerLogic(options.write), {
    kind: 'transient',
    mailbox: {
      capacity: 64,
      policy: 'coalesce',
      coalesceKey: (envelope) => envelope.type === 'totals' ? `totals:${(envelope.payload as { key: string }).key}` : envelope.type,
    },
  });
  system.spawn('/demo/counter', counterLogic, { mailbox: { capacity: 64, policy: 'block' } });
  system.spawn('/demo/parser', parserLogic, { mailbox: { capacity: 64, policy: 'block' }, maxMessageCrashes: 3 });
  system.spawn('/demo/source', sourceLogic, { kind: 'transient', input: { total: options.records, intervalMs: options.intervalMs } });
}
