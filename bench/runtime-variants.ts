/**
 * The four ways of pushing N items through a chain of 8 stages, for `npm run bench -- runtime`.
 * Every variant runs the same stage handler (a calculator-like step: update a keyed table, derive
 * the next item), so the differences are the cost of the wiring alone:
 *   troupe-unbatched  troupe actors, one message per send (xstate machine + bounded block mailbox)
 *   troupe-batched    troupe actors, 1,000 items per message
 *   raw-xstate        eight xstate machines wired with plain createActor + send
 *   fused             the eight handlers called directly
 */
import { createActor, setup } from 'xstate';
import { ActorSystem } from '../src/runtime/system.js';
import { sendTo } from '../src/runtime/message.js';
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
