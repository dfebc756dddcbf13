import { describe, expect, it } from 'vitest';
import { Mailbox } from '../../../src/runtime/mailbox.js';
import type { Envelope } from '../../../src/runtime/message.js';
import { SharedOccupancy } from '../../../src/runtime/threads/occupancy.js';
import { unaccounted } from '../../../src/runtime/stats.js';

const envelope = (type: string, payload: unknown = undefined): Envelope => ({ type, payload, sender: undefined, correlationId: undefined, enqueuedAt: 0 });

/** A receiving mailbox on "this" thread and the shared counter senders on other threads reserve in. */
function shared(options: ConstructorParameters<typeof Mailbox>[0]) {
  const occupancy = SharedOccupancy.create(4);
  const mailbox = new Mailbox(options);
  mailbox.share(occupancy, 2);
  return { occupancy, mailbox, remoteSend: (message: Envelope) => occupancy.tryReserve(2, options.capacity) && (mailbox.admitReserved(message), true) };
}

describe('a mailbox whose room is shared with other threads', () => {
  it('counts places reserved by remote senders against its capacity, for local senders too', () => {
    const { occupancy, mailbox } = shared({ capacity: 2, policy: 'fail' });
    expect(occupancy.tryReserve(2, 2)).toBe(true); // a remote sender, its message still on the way
    expect(mailbox.offer(envelope('local')).kind).toBe('accepted');
    expect(mailbox.offer(envelope('local-2')).kind).toBe('rejected');
    expect(occupancy.tryReserve(2, 2)).toBe(false);
    mailbox.completeHead();
    expect(occupancy.load(2)).toBe(2); // given back at the end of the actor's turn, all at once
    mailbox.settle();
    expect(occupancy.load(2)).toBe(1); // only the one on the way
    expect(unaccounted(mailbox.stats())).toBe(0);
  });

  it('gives the place back when a message leaves the queue, and wakes a sender waiting for room', async () => {
    const { occupancy, mailbox, remoteSend } = shared({ capacity: 1, policy: 'block' });
    expect(remoteSend(envelope('a'))).toBe(true);
    expect(remoteSend(envelope('b'))).toBe(false);
    const room = occupancy.changed(2, 1);
    mailbox.completeHead();
    mailbox.settle();
    await room;
    expect(remoteSend(envelope('b'))).toBe(true);
    expect(mailbox.peek()?.type).toBe('b');
  });

  it('coalesces a reserved arrival with a queued message of the same key, and returns its place', () => {
    const { occupancy, mailbox, remoteSend } = shared({ capacity: 4, policy: 'coalesce', coalesceKey: (message) => String((message.payload as { key: string }).key) });
    remoteSend(envelope('x', { key: 'k', n: 1 }));
    remoteSend(envelope('x', { key: 'k', n: 2 }));
    expect(mailbox.depth).toBe(1);
    expect(occupancy.load(2)).toBe(1);
    expect(mailbox.peek()?.payload).toEqual({ key: 'k', n: 2 });
    expect(mailbox.stats()).toMatchObject({ received: 2, coalesced: 1 });
  });

  it('lets a drop-oldest arrival from a full mailbox\'s other thread take the oldest message\'s place', () => {
    const { occupancy, mailbox } = shared({ capacity: 1, policy: 'drop-oldest' });
    mailbox.offer(envelope('old'));
    expect(mailbox.admitEvicting(envelope('new'))?.type).toBe('old');
    expect(mailbox.peek()?.type).toBe('new');
    expect(occupancy.load(2)).toBe(1);
    expect(unaccounted(mailbox.stats())).toBe(0);
  });

  it('counts a rejection made on the sender\'s thread in its own figures', () => {
    const { mailbox } = shared({ capacity: 1, policy: 'fail' });
    mailbox.countRejectedElsewhere();
    expect(mailbox.stats()).toMatchObject({ received: 1, rejected: 1 });
    expect(unaccounted(mailbox.stats())).toBe(0);
  });
});
