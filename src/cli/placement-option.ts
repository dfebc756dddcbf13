/**
 * `troupe run --placement`: where the calc actors run. `main` (one thread), `spread` (the calculators
 * over two workers), `auto` (the default: the member calculator on a worker when there are two or
 * more CPUs, else main), or a YAML/JSON file of placement rules (runtime/threads/placement.ts).
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { load } from 'js-yaml';
import { CALC_DEFAULT_PLACEMENT, CALC_SPREAD_PLACEMENT, MAIN_PLACEMENT } from '../actors/calc/actors/calc-placement.js';
import { CALC_PATHS } from '../actors/calc/actors/stages.js';
import { TroupeError } from '../runtime/errors.js';
import { Placement, PlacementError } from '../runtime/threads/placement.js';
import type { PlacementConfig } from '../runtime/threads/placement.js';

export const PLACEMENT_CHOICES = 'auto | main | spread | FILE';

export class PlacementFileError extends TroupeError {
  constructor(path: string, reason: string) {
    super('PLACEMENT_ERR_FILE', `--placement ${path}: ${reason}`);
  }
}

/** The placement `spec` names, checked; a bad file is a PlacementFileError (unreadable) or PlacementError (wrong rules). */
export async function resolvePlacement(spec = 'auto', cpus = availableParallelism()): Promise<Placement> {
  if (spec === 'main') return new Placement(MAIN_PLACEMENT);
  if (spec === 'spread') return new Placement(CALC_SPREAD_PLACEMENT);
  if (spec === 'auto') return new Placement(cpus >= 2 ? CALC_DEFAULT_PLACEMENT : MAIN_PLACEMENT);
  let text: string;
  try {
    text = await readFile(spec, 'utf8');
  } catch (error) {
    throw new PlacementFileError(spec, `cannot read: ${(error as Error).message}`);
  }
  let config: unknown;
  try {
    config = load(text);
  } catch (error) {
    throw new PlacementFileError(spec, `not YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new PlacementError(`--placement ${spec}: expected a mapping with "workers" and "actors"`);
  const { workers, actors, ...rest } = config as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw new PlacementError(`--placement ${spec}: unknown key${Object.keys(rest).length === 1 ? '' : 's'} ${Object.keys(rest).join(', ')} (expected workers, actors)`);
  if (actors !== undefined && (actors === null || typeof actors !== 'object' || Object.values(actors).some((thread) => typeof thread !== 'string'))) {
    throw new PlacementError(`--placement ${spec}: "actors" maps actor paths to main or worker:N`);
  }
  const placement = new Placement({ ...(workers === undefined ? {} : { workers: workers as number }), ...(actors === undefined ? {} : { actors: actors as Record<string, string> }) } satisfies PlacementConfig);
  for (const supervisor of ['/', CALC_PATHS.supervisor]) placement.checkSupervisor(supervisor);
  return placement;
}

/** One line for the summary: which actors run where. */
export function describePlacement(placement: Placement): string {
  const { workers, actors } = placement.describe();
  const placed = Object.entries(actors).filter(([, thread]) => thread !== 'main');
  if (workers === 0 || placed.length === 0) return 'main only';
  return `main + ${workers} worker${workers === 1 ? '' : 's'} (${placed.map(([path, thread]) => `${path} on ${thread}`).join(', ')})`;
}
