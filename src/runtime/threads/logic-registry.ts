/**
 * An actor that may run on a worker thread is created there from its logic's module and export name:
 * functions do not cross threads, modules do. `placeable(import.meta.url, 'name', logic)` records
 * where a logic comes from, so `spawn` can place it anywhere; a worker imports the module and takes
 * the export. The input must then be structured-cloneable data.
 */
import type { AnyActorLogic } from 'xstate';

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

/** On a worker: the logic a reference names (the module is imported once, then cached by the loader). */
export async function importLogic(reference: LogicReference): Promise<AnyActorLogic> {
  const module = await import(reference.module) as Record<string, unknown>;
  const logic = module[reference.name];
  if (logic === undefined || logic === null || typeof logic !== 'object') {
    throw new TypeError(`${reference.module} has no actor logic exported as ${reference.name}`);
  }
  return logic as AnyActorLogic;
}
