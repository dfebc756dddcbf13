/**
 * The actor `bench workers` places on a worker thread: it counts `add` messages and answers `get`
 * with the count — the same work as the raw-postMessage baseline's receiver (count, then report).
 */
import { fromTransition } from 'xstate';
import { emitSend } from '../src/runtime/message.js';
import type { Envelope } from '../src/runtime/message.js';
import { placeable } from '../src/runtime/threads/logic-registry.js';

export const countingSink = placeable(import.meta.url, 'countingSink', fromTransition(
  (count: number, event: Envelope, scope) => {
    if (event.type === 'get') emitSend(scope, event.sender ?? '', { type: 'count', payload: count });
    return event.type === 'add' ? count + 1 : count;
  },
  0,
));
