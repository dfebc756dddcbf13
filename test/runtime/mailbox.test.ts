import { describe, expect, it } from 'vitest';
import { Mailbox } from '../../src/runtime/mailbox.js';
import type { Envelope } from '../../src/runtime/message.js';
import { unaccounted } from '../../src/runtime/stats.js';

const envelope = (type: string, payload?: unknown): Envelope => ({ type, payload, sender: undefined, correlationId: undefined, enqueuedAt: 0 });

describe('Mailbox', () => {
  it('accepts up to capacity, then applies fail: rejects and counts it', () => {
    const mailbox = new Mailbox({ capacity: 2, policy: 'fail' });
    expect(mailbox.offer(envelope('a')).kind).toBe('accepted');
    expect(mailbox.offer(envelope('b')).kind).toBe('accepted');
    expect(mailbox.offer(envelope('c')).kind).toBe('rejected');
    expect(mailbox.stats()).toMatchObject({ depth: 2, rejected: 1, received: 3, highWater: 2 });
    expect(unaccounted(mailbox.stats())).toBe(0);
  });

  it('drop-oldest evicts the head and keeps the newest', () => {
    const mailbox = new Mailbox({ capacity: 2, policy: 'drop-oldest' });
    mailbox.offer(envelope('a'));
    mailbox.offer(envelope('b'));
    const outcome = mailbox.offer(envelope('c'));
    expect(outcome.kind === 'dropped' && outcome.dropped.type).toBe('a');
    expect([mailbox.completeHead().type, mailbox.completeHead().type]).toEqual(['b', 'c']);
    expect(mailbox.stats()).toMatchObject({ dropped: 1, processed: 2 });
    expect(unaccounted(mailbox.stats())).toBe(0);
  });

  it('coalesce replaces a queued message with the same key in place, keeping the newest value', () => {
    const mailbox = new Mailbox({ capacity: 10, policy: 'coalesce', coalesceKey: (e) => (e.payload as { key: string }).key });
    mailbox.offer(envelope('set', { key: 'x', value: 1 }));
    mailbox.offer(envelope('set', { key: 'y', value: 1 }));
    expect(mailbox.offer(envelope('set', { key: 'x', value: 2 })).kind).toBe('coalesced');
    expect(mailbox.offer(envelope('set', { key: 'x', value: 3 })).kind).toBe('coalesced');
    const order = [mailbox.completeHead().payload, mailbox.completeHead().payload];
    expect(order).toEqual([{ key: 'x', value: 3 }, { key: 'y', value: 1 }]);
    // Once dequeued, the key is free again: a new value queues rather than coalescing into nothing.
    expect(mailbox.offer(envelope('set', { key: 'x', value: 4 })).kind).toBe('accepted');
    expect(mailbox.stats()).toMatchObject({ coalesced: 2, processed: 2, depth: 1 });
    expect(unaccounted(mailbox.stats())).toBe(0);
  });

  it('block makes later senders wait in order and admits them as room frees', () => {
    const mailbox = new Mailbox({ capacity: 1, policy: 'block' });
    mailbox.offer(envelope('a'));
    const released: string[] = [];
    for (const type of ['b', 'c']) {
      const outcome = mailbox.offer(envelope(type));
      expect(outcome.kind).toBe('waiting');
      if (outcome.kind === 'waiting') outcome.waiter.release = () => released.push(type);
    }
    expect(mailbox.stats()).toMatchObject({ depth: 1, waiting: 2 });
    mailbox.completeHead();
    expect(released).toEqual(['b']);
    expect(mailbox.peek()?.type).toBe('b');
    mailbox.completeHead();
    expect(released).toEqual(['b', 'c']);
    expect(unaccounted(mailbox.stats())).toBe(0);
  });

  it('bounds the line of waiting senders too', () => {
    const mailbox = new Mailbox({ capacity: 1, policy: 'block', maxWaiting: 1 });
    mailbox.offer(envelope('a'));
    expect(mailbox.offer(envelope('b')).kind).toBe('waiting');
    expect(mailbox.offer(envelope('c')).kind).toBe('rejected');
  });

  it('a filled mailbox (fault) acts as full until cleared', () => {
    const mailbox = new Mailbox({ capacity: 8, policy: 'fail' });
    mailbox.offer(envelope('a'));
    mailbox.fill();
    expect(mailbox.offer(envelope('b')).kind).toBe('rejected');
    mailbox.clearFill();
    expect(mailbox.offer(envelope('c')).kind).toBe('accepted');
  });

  it('draining to dead letters counts queue and waiters and releases the waiters', () => {
    const mailbox = new Mailbox({ capacity: 1, policy: 'block' });
    mailbox.offer(envelope('a'));
    const outcome = mailbox.offer(envelope('b'));
    let released = false;
    if (outcome.kind === 'waiting') outcome.waiter.release = () => { released = true; };
    expect(mailbox.drainToDeadLetters().map((e) => e.type)).toEqual(['a', 'b']);
    expect(released).toBe(true);
    expect(mailbox.stats()).toMatchObject({ deadLettered: 2, depth: 0, waiting: 0 });
    expect(unaccounted(mailbox.stats())).toBe(0);
  });
});
