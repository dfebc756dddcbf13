import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/runtime/clock.js';
import { createLogger, prettyLine } from '../../src/runtime/logger.js';

describe('logs', () => {
  it('are JSON lines with the clock\'s time and the actor path when the destination is not a terminal', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk: Buffer) => { text += chunk.toString(); });
    createLogger(new SimulatedClock(1_500), out).warn({ actor: '/calc/member-calc', error: 'boom' }, 'crashed');
    expect(JSON.parse(text)).toEqual({ level: 40, time: 1500, actor: '/calc/member-calc', error: 'boom', msg: 'crashed' });
  });

  it('read as lines on a terminal: time of day, level, actor, message, the rest as JSON', () => {
    expect(prettyLine(JSON.stringify({ level: 40, time: 3_723_004, actor: '/calc/arc', msg: 'crashed', error: 'boom' }))).toBe('01:02:03.004 WARN /calc/arc crashed {"error":"boom"}');
    const out = Object.assign(new PassThrough(), { isTTY: true });
    let text = '';
    out.on('data', (chunk: Buffer) => { text += chunk.toString(); });
    createLogger(new SimulatedClock(0), out).info('in sync');
    expect(text).toBe('00:00:00.000 INFO in sync\n');
  });
});
