/**
 * Where the calc actors run when threads are used. The source and the dataplane actor stay on main
 * (they hold the durable state and talk to the datastore and the output); the calculators go to two
 * workers, split so that each worker's share of the snapshot's work is about even and the busiest
 * edges stay inside a thread (measured by `npm run bench -- workers`): the policy side (active rules,
 * rule scanner, config) on worker 1, the endpoint side (IP set members, policy resolver, sequencer)
 * on worker 2.
 */
import type { PlacementConfig } from '../../../runtime/threads/placement.js';
import { CALC_PATHS } from './calc-paths.js';
import { memberShardPath } from './member-shards.js';

export const CALC_SPREAD_PLACEMENT: PlacementConfig = {
  workers: 2,
  actors: {
    [CALC_PATHS.arc]: 'worker:1',
    [CALC_PATHS.scanner]: 'worker:1',
    [CALC_PATHS.config]: 'worker:1',
    [CALC_PATHS.members]: 'worker:2',
    [memberShardPath(1)]: 'worker:1',
    [memberShardPath(2)]: 'worker:2',
    [CALC_PATHS.resolver]: 'worker:2',
    [CALC_PATHS.sequencer]: 'worker:2',
  },
};

/**
 * `troupe run`'s default with two or more CPUs: the heaviest calculator (IP set members, over half of
 * a snapshot's work) on its own worker. Measured on the 100,000-endpoint snapshot on two cores: as fast
 * as everything on main, with main idle for most of it — the datastore, the inspection endpoint and
 * the dataplane output keep their thread.
 */
export const CALC_DEFAULT_PLACEMENT: PlacementConfig = { workers: 1, actors: { [CALC_PATHS.members]: 'worker:1' } };

/** Everything on main: one thread (what `--placement main` asks for, and what simulation always does). */
export const MAIN_PLACEMENT: PlacementConfig = {};
