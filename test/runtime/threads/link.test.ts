import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ThreadLink, readBatch } from '../../../src/runtime/threads/link.js';

const channels: MessageChannel[] = [];
afterEach(() => { for (const channel of channels.splice(0)) { channel.port1.close(); channel.port2.close(); } });

/** A link over a real MessageChannel; resolves with what the far side reads from the first batch. */
function crossing(send: (link: ThreadLink) => void): Promise<{ payload: unknown; mode: string }[]> {
  const channel = new MessageChannel();
  channels.push(channel);
  const received = new Promise<{ payload: unknown; mode: string }[]>((resolve) => {
    channel.port2.once('message', (batch: unknown[]) => {
      const messages: { payload: unknown; mode: string }[] = [];
      readBatch(batch, { message: (_to, _type, payload, _sender, _correlationId, _at, mode) => messages.push({ payload, mode }), control: () => undefined });
      resolve(messages);
    });
  });
  send(new ThreadLink(channel.port1, () => undefined));
  return received;
}

describe('a thread link', () => {
  it('carries payloads as structured clones, or as JSON text for plain-data actors, in one batch and in order', async () => {
    const payload = { epoch: 2, items: [{ type: 'WorkloadEndpoint', key: { hostname: 'n1' }, value: { labels: { app: 'web' }, nets: ['10.0.0.1/32'] } }] };
    const messages = await crossing((link) => {
      link.message('/a', 'data', payload, '/src', undefined, 5, 'r', false);
      link.message('/b', 'data', JSON.stringify(payload), '/src', undefined, 6, 'r', true);
      link.message('/b', 'get', undefined, '/src', 'c1', 7, 'u', false);
    });
    expect(messages).toEqual([{ payload, mode: 'r' }, { payload, mode: 'r' }, { payload: undefined, mode: 'u' }]);
  });

  it('as JSON, loses what JSON cannot say (which is why it is an actor\'s choice): undefined fields go, Maps become {}', async () => {
    const payload = { kept: 1, gone: undefined, inArray: [undefined], map: new Map([[1, 2]]) };
    const [clone, json] = await crossing((link) => {
      link.message('/a', 'data', payload, undefined, undefined, 0, 'r', false);
      link.message('/a', 'data', JSON.stringify(payload), undefined, undefined, 0, 'r', true);
    });
    expect(clone!.payload).toEqual(payload);
    expect(json!.payload).toStrictEqual({ kept: 1, inArray: [null], map: {} });
  });
});
