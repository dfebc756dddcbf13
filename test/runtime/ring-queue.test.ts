import { describe, expect, it } from 'vitest';
import { RingQueue } from '../../src/runtime/ring-queue.js';

describe('RingQueue', () => {
  it('keeps FIFO order across wrap-around and growth', () => {
    const queue = new RingQueue<number>(4);
    const out: number[] = [];
    for (let i = 0; i < 3; i += 1) queue.push(i);
    out.push(queue.shift()!, queue.shift()!);
    for (let i = 3; i < 20; i += 1) queue.push(i);
    while (queue.length > 0) out.push(queue.shift()!);
    expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('addresses items by absolute position and replaces them in place', () => {
    const queue = new RingQueue<string>(4);
    const first = queue.push('a');
    const second = queue.push('b');
    queue.replace(second, 'B');
    expect(queue.shift()).toBe('a');
    expect(queue.at(first)).toBeUndefined();
    expect(queue.at(second)).toBe('B');
    expect(() => queue.replace(first, 'x')).toThrow(RangeError);
  });
});
