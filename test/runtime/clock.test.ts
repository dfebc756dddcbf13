import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/runtime/clock.js';

describe('SimulatedClock', () => {
  it('fires timers in deadline order, ties in the order they were set', () => {
    const clock = new SimulatedClock();
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@20'), 20);
    clock.setTimeout(() => fired.push('a@10'), 10);
    clock.setTimeout(() => fired.push('c@20'), 20);
    clock.advance(15);
    expect(fired).toEqual(['a@10']);
    expect(clock.now()).toBe(15);
    clock.advance(5);
    expect(fired).toEqual(['a@10', 'b@20', 'c@20']);
  });

  it('does not fire a cleared timer', () => {
    const clock = new SimulatedClock();
    let fired = false;
    const id = clock.setTimeout(() => { fired = true; }, 5);
    clock.clearTimeout(id);
    clock.advance(10);
    expect(fired).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('fires timers set by timers when they fall due within the same advance', () => {
    const clock = new SimulatedClock(1000);
    const at: number[] = [];
    clock.setTimeout(() => { at.push(clock.now()); clock.setTimeout(() => at.push(clock.now()), 3); }, 2);
    clock.advance(10);
    expect(at).toEqual([1002, 1005]);
    expect(clock.now()).toBe(1010);
  });

  it('runs until idle, moving time to each deadline', () => {
    const clock = new SimulatedClock();
    clock.setTimeout(() => undefined, 7);
    clock.setTimeout(() => undefined, 3);
    expect(clock.runUntilIdle()).toBe(2);
    expect(clock.now()).toBe(7);
  });

  it('refuses to go back in time', () => {
    expect(() => new SimulatedClock().advance(-1)).toThrow(/back in time/);
  });
});
