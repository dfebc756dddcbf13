import { describe, expect, it } from 'vitest';
import { CommandBuffer } from '../../src/runtime/command-buffer.js';

describe('CommandBuffer', () => {
  it('holds commands as flat quadruples in the order they were pushed', () => {
    const buffer = new CommandBuffer();
    buffer.push('/a', 'item', 1, undefined);
    buffer.push('/b', 'value', { n: 2 }, 'ask-1');
    expect(buffer.length).toBe(8);
    expect(Array.from({ length: buffer.length }, (_, index) => buffer.slot(index))).toEqual(['/a', 'item', 1, undefined, '/b', 'value', { n: 2 }, 'ask-1']);
  });

  it('forgets what it carried when cleared, and is reused from the start', () => {
    const buffer = new CommandBuffer();
    const payload = { big: 'batch' };
    buffer.push('/a', 'item', payload, undefined);
    buffer.clear();
    expect(buffer.length).toBe(0);
    // No reference to the payload survives the clear: a long-lived buffer must not keep it alive.
    expect([0, 1, 2, 3].map((index) => buffer.slot(index))).toEqual([undefined, undefined, undefined, undefined]);
    buffer.push('/c', 'item', 3, undefined);
    expect([buffer.length, buffer.slot(0), buffer.slot(2)]).toEqual([4, '/c', 3]);
  });
});
