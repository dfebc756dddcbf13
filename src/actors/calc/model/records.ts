/**
 * Model records after validation: `{ type, key, value }` with `value: null` for a deletion, typed per
 * record type. Plus the stable string form of a key (map keys, coalescing keys) and Felix's names
 * for endpoints and policies in the output.
 */
import type { KeyOf, ModelType, ValueOf } from './schema.js';

export type ModelUpdate = { [T in ModelType]: { readonly type: T; readonly key: KeyOf<T>; readonly value: ValueOf<T> | null } }[ModelType];
export type ModelUpdateOf<T extends ModelType> = Extract<ModelUpdate, { type: T }>;

/** A unique, stable string per key: `Type/part/part…` in the key's field order. */
export function keyString(update: { readonly type: ModelType; readonly key: object }): string {
  return `${update.type}/${Object.values(update.key).join('/')}`;
}

/** Felix's endpoint id in the dataplane view: `orchestrator/workload/endpoint`, or a HEP's endpointId. */
export function endpointId(key: KeyOf<'WorkloadEndpoint'> | KeyOf<'HostEndpoint'>): string {
  return 'orchestratorId' in key ? `${key.orchestratorId}/${key.workloadId}/${key.endpointId}` : key.endpointId;
}

/** Policy name in the dataplane view: `Kind/name` (global) or `Kind/namespace/name`. */
export function policyName(key: KeyOf<'Policy'>): string {
  return key.namespace === '' ? `${key.kind}/${key.name}` : `${key.kind}/${key.namespace}/${key.name}`;
}
