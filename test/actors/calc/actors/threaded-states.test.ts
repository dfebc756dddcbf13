import { describe, expect, it } from 'vitest';
import { CALC_PATHS } from '../../../../src/actors/calc/actors/stages.js';
import type { RuntimeEvent } from '../../../../src/runtime/events.js';
import { EXPANSIONS, driveStates } from '../states/driver.js';
import type { FlushStrategy } from '../states/driver.js';
import { ALL_STATES, STATE_LISTS } from '../states/states.js';
import { crashingOnceInSync } from './actor-graph.js';
import { threadedGraph } from './threaded-graph.js';

const STRATEGIES: readonly FlushStrategy[] = ['after each KV', 'after each state', 'only at the end'];

describe('with the calculators spread over two worker threads, the actor calc graph reaches the same views', () => {
  for (const [listName, states] of Object.entries(STATE_LISTS)) {
    it(`${listName} (every flush strategy; reversed KV order too)`, async () => {
      for (const strategy of STRATEGIES) {
        for (const expand of [EXPANSIONS['identity']!, EXPANSIONS['reversed KV order']!]) {
          const graph = threadedGraph();
          try {
            expect(graph.system.threadOf(CALC_PATHS.members)).toBe('worker:2');
            const checkpoints = await driveStates(graph, expand(states), strategy);
            for (const checkpoint of checkpoints) expect(checkpoint.actual, `${checkpoint.state} [${strategy}]`).toEqual(checkpoint.expected);
            expect(graph.sink.state.view()).toEqual(await graph.view());
          } finally {
            await graph.close();
          }
        }
      }
    });
  }
});

describe('with the calculators on worker threads, one that crashes mid-run is restarted and the graph recovers', () => {
  const calculators = [CALC_PATHS.arc, CALC_PATHS.scanner, CALC_PATHS.members, CALC_PATHS.resolver, CALC_PATHS.config, CALC_PATHS.sequencer];
  for (const path of calculators) {
    it(`${path} crashes on its next message`, async () => {
      const states = ALL_STATES.filter((_state, index) => index % 3 === 0);
      const graph = threadedGraph();
      const events: RuntimeEvent[] = [];
      graph.system.events.subscribe((event) => events.push(event), ['actor.crashed', 'actor.restarted']);
      try {
        const crashing = crashingOnceInSync(graph, graph.sink, () => graph.system.faults.crashNext(path));
        const checkpoints = await driveStates(crashing.graph, states, 'after each KV');
        expect(crashing.crashed()).toBe(true);
        expect(events.filter((event) => event.type === 'actor.crashed').map((event) => event.path)).toEqual([path]);
        expect(events.filter((event) => event.type === 'actor.restarted').map((event) => event.path)).toEqual([path]);
        for (const checkpoint of checkpoints) expect(checkpoint.actual, checkpoint.state).toEqual(checkpoint.expected);
        expect(graph.sink.state.inSyncCount).toBe(1);
        expect(graph.graph.epochs.current).toBe(1);
      } finally {
        await graph.close();
      }
    });
  }
});
