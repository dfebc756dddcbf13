/**
 * The one seeded source of randomness in a system: scheduling choices in simulation, restart-backoff
 * jitter. Same seed, same numbers, same run. Backed by pure-rand's xoroshiro128+.
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

export interface Random {
  readonly seed: number;
  /** Uniform integer in [from, to], both included. */
  int(from: number, to: number): number;
  /** Uniform float in [0, 1). */
  float(): number;
}

export function createRandom(seed: number): Random {
  const generator = xoroshiro128plus(seed);
  return {
    seed,
    int: (from, to) => uniformInt(generator, from, to),
    float: () => uniformInt(generator, 0, 0x3fffffff) / 0x40000000,
  };
}
