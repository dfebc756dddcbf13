/**
 * The four ways of pushing N items through a chain of 8 stages, for `npm run bench -- runtime`.
 * Every variant runs the same stage handler (a calculator-like step: update a keyed table, derive
 * the next item), so the differences are the cost of the wiring alone:
 *   troupe-unbatched  troupe actors, one message per send (xstate machine + bounded block mailbox)
 *   troupe-batched    troupe actors, 1,000 items per message
 *   raw-xstate        eight xstate machines wired with plain createActor + send
 *   fused             the eight handlers called directly
 *   minimal-mailbox   a reference, not a goal's baseline: the least any mailbox runtime does (below)
 */
import { createActor, setup } from 'xstate';
import { ActorSystem } from '../src/runtime/system.js';
import { bindOutbox, sendTo } from '../src/runtime/message.js';
import type { Envelope, SendCommand } from '../src/runtime/message.js';

export const STAGES = 8;
export const BATCH = 1000;

export interface Item {
  readonly key: number;
  readonly value: number;
}

/** One pipeline stage's work: keep a per-key running total, emit the item one step further. */
export function createStage(): (item: Item) => Item {
  const totals = new Map<number, number>();
  return (item) => {
    totals.set(item.key, (totals.get(item.key) ?? 0) + item.value);
    return { key: item.key, value: item.value + 1 };
  };
}

const makeItem = (i: number): Item => ({ key: i & 1023, value: i });

type ItemEvent = Envelope<{ type: 'item'; payload: Item }>;
type BatchEvent = Envelope<{ type: 'batch'; payload: Item[] }>;

function troupeStage(stage: (item: Item) => Item, next: string | undefined, onItem: () => void) {
  return setup({ types: { events: {} as ItemEvent, emitted: {} as SendCommand } }).createMachine({
    on: {
      item: next === undefined
        ? { actions: ({ event }) => { stage(event.payload); onItem(); } }
        : { actions: sendTo(next, 'item', ({ event }) => stage(event.payload)) },
    },
  });
}

function troupeBatchStage(stage: (item: Item) => Item, next: string | undefined, onBatch: (size: number) => void) {
  return setup({ types: { events: {} as BatchEvent, emitted: {} as SendCommand } }).createMachine({
    on: {
      batch: next === undefined
        ? { actions: ({ event }) => { for (const item of event.payload) stage(item); onBatch(event.payload.length); } }
        : {
            // The actor owns the batch it received: transform it in place and pass it on.
            actions: sendTo(next, 'batch', ({ event }) => {
              const items = event.payload;
              for (let index = 0; index < items.length; index += 1) items[index] = stage(items[index]!);
              return items;
            }),
          },
    },
  });
}

export async function runTroupe(total: number, batched: boolean, capacity = batched ? 4 : 1024): Promise<void> {
  const system = new ActorSystem({ seed: 1 });
  let received = 0;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => { finish = resolve; });
  const onItems = (count: number) => { received += count; if (received === total) finish(); };
  for (let index = STAGES - 1; index >= 0; index -= 1) {
    const next = index === STAGES - 1 ? undefined : `/stage-${index + 1}`;
    const logic = batched ? troupeBatchStage(createStage(), next, onItems) : troupeStage(createStage(), next, () => onItems(1));
    system.spawn(`/stage-${index}`, logic, { mailbox: { capacity, policy: 'block' } });
  }
  const head = system.ref('/stage-0');
  if (batched) {
    for (let start = 0; start < total; start += BATCH) {
      const payload: Item[] = new Array<Item>(Math.min(BATCH, total - start));
      for (let offset = 0; offset < payload.length; offset += 1) payload[offset] = makeItem(start + offset);
      const waiting = head.send({ type: 'batch', payload });
      if (waiting) await waiting;
    }
  } else {
    for (let i = 0; i < total; i += 1) {
      const waiting = head.send({ type: 'item', payload: makeItem(i) });
      if (waiting) await waiting;
    }
  }
  await done;
  await system.shutdown();
}

export function runRawXstate(total: number): void {
  let received = 0;
  let next: { send: (event: { type: 'item'; payload: Item }) => void } | undefined;
  const actors = [];
  for (let index = STAGES - 1; index >= 0; index -= 1) {
    const stage = createStage();
    const target = next;
    const machine = setup({ types: { events: {} as { type: 'item'; payload: Item } } }).createMachine({
      on: {
        item: target === undefined
          ? { actions: ({ event }) => { stage(event.payload); received += 1; } }
          : { actions: ({ event }) => { target.send({ type: 'item', payload: stage(event.payload) }); } },
      },
    });
    const actor = createActor(machine).start();
    actors.push(actor);
    next = actor;
  }
  for (let i = 0; i < total; i += 1) next!.send({ type: 'item', payload: makeItem(i) });
  if (received !== total) throw new Error(`raw xstate delivered ${received} of ${total}`);
}

export function runFused(total: number): void {
  const stages = Array.from({ length: STAGES }, () => createStage());
  let received = 0;
  for (let i = 0; i < total; i += 1) {
    let item = makeItem(i);
    for (const stage of stages) item = stage(item);
    received += item.value > -1 ? 1 : 0;
  }
  if (received !== total) throw new Error(`fused delivered ${received} of ${total}`);
}

/**
 * The least any mailbox runtime does, as a reference for where troupe's per-message cost goes: the
 * same stage machines (troupe's `sendTo`) in plain xstate actors, each with an unbounded FIFO, one run
 * queue drained in `setImmediate` turns of 100 — no bound, backpressure, accounting, histogram, events,
 * supervision or crash handling. Not a goal's baseline; `npm run bench -- runtime` prints it beside them.
 */
export function runMinimalMailbox(total: number): Promise<void> {
  interface Cell { readonly queue: Envelope[]; head: number; readonly actor: { send: (event: Envelope) => void }; scheduled: boolean }
  const cells: Cell[] = [];
  const ready: Cell[] = [];
  const schedule = (cell: Cell) => { if (!cell.scheduled) { cell.scheduled = true; ready.push(cell); } };
  const envelope = (payload: Item): Envelope => ({ type: 'item', payload, sender: undefined, correlationId: undefined, enqueuedAt: 0 });
  let received = 0;
  return new Promise((resolve) => {
    for (let index = 0; index < STAGES; index += 1) {
      const next = index === STAGES - 1 ? undefined : `/stage-${index + 1}`;
      const actor = createActor(troupeStage(createStage(), next, () => { received += 1; if (received === total) resolve(); })).start();
      bindOutbox(actor, (_to, _type, payload) => { const target = cells[index + 1]!; target.queue.push(envelope(payload as Item)); schedule(target); });
      cells.push({ queue: [], head: 0, actor: actor as unknown as Cell['actor'], scheduled: false });
    }
    const first = cells[0]!;
    let sent = 0;
    const pump = () => {
      // Like troupe's `block` mailbox of 1,024: the producer keeps the first mailbox full.
      while (sent < total && first.queue.length - first.head < 1024) first.queue.push(envelope(makeItem(sent++)));
      schedule(first);
      let turn = 0;
      while (turn < ready.length) {
        const cell = ready[turn]!;
        turn += 1;
        cell.scheduled = false;
        for (let done = 0; done < 100 && cell.head < cell.queue.length; done += 1) {
          const next = cell.queue[cell.head]!;
          cell.queue[cell.head++] = undefined as unknown as Envelope;
          cell.actor.send(next);
        }
        if (cell.head === cell.queue.length) { cell.queue.length = 0; cell.head = 0; } else schedule(cell);
        if (cell === first && sent < total) break; // let the producer refill
      }
      ready.splice(0, turn);
      if (received < total) setImmediate(pump);
    };
    pump();
  });
}
