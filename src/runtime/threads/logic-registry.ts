/**
 * An actor that may run on a worker thread is created there from its logic's module and export name:
 * functions do not cross threads, modules do. `placeable(import.meta.url, 'name', logic)` records
 * where a logic comes from, so `spawn` can place it anywhere; a worker imports the module and takes
 * the export. The input must then be structured-cloneable data.
 */
import type { AnyActorLogic } from 'xstate';
import type { DurableOptions } from '../persistence/durable.js';
import type { StateStore } from '../persistence/state-store.js';

export interface LogicReference {
  /** The module's URL (`import.meta.url` of the module that exports the logic). */
  readonly module: string;
  readonly name: string;
}

const references = new WeakMap<AnyActorLogic, LogicReference>();

/** Marks `logic` as importable from `module` under `name`, and returns it. */
export function placeable<TLogic extends AnyActorLogic>(module: string, name: string, logic: TLogic): TLogic {
  references.set(logic, { module, name });
  return logic;
}

export function logicReference(logic: AnyActorLogic): LogicReference | undefined {
  return references.get(logic);
}

/** The export a reference names (the module is imported once, then cached by the loader), checked. */
async function importNamed(reference: LogicReference, what: string, fits: (value: unknown) => boolean): Promise<unknown> {
  const module = await import(reference.module) as Record<string, unknown>;
  const value = module[reference.name];
  if (!fits(value)) throw new TypeError(`${reference.module} has no ${what} exported as ${reference.name}`);
  return value;
}

/** On a worker: the logic a reference names. */
export async function importLogic(reference: LogicReference): Promise<AnyActorLogic> {
  return await importNamed(reference, 'actor logic', (value) => typeof value === 'object' && value !== null) as AnyActorLogic;
}

/** Makes an actor's durability for a store: what a worker calls with its own handle on the same LMDB. */
export type DurabilityFactory = (store: StateStore) => DurableOptions;

const durabilityReferences = new WeakMap<DurableOptions, LogicReference>();

/**
 * Marks a durability factory as importable from `module` under `name` (export it under that name):
 * what it returns can then be placed on a worker, which imports the factory and calls it with its own
 * store on the same LMDB environment (persistence/state-store.ts `share`).
 */
export function placeableDurability<TContext, TInput>(module: string, name: string, factory: (store: StateStore) => DurableOptions<TContext, TInput>): (store: StateStore) => DurableOptions<TContext, TInput> {
  return (store) => {
    const options = factory(store);
    durabilityReferences.set(options as unknown as DurableOptions, { module, name });
    return options;
  };
}

export function durabilityReference(options: DurableOptions): LogicReference | undefined {
  return durabilityReferences.get(options);
}

/** On a worker: the durability factory a reference names. */
export async function importDurability(reference: LogicReference): Promise<DurabilityFactory> {
  return await importNamed(reference, 'durability factory', (value) => typeof value === 'function') as DurabilityFactory;
}
