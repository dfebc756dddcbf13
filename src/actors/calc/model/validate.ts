/**
 * Felix's ValidationFilter for troupe: a raw `{ type, key, value }` record becomes a typed update. An
 * invalid value is reported (type, key, reason) and the update is passed on as a deletion, so the
 * pipeline forgets whatever that key held and goes on. A record whose type or key is unusable cannot
 * even be a deletion: it is reported and dropped.
 */
import type { z } from 'zod';
import { fastEndpointKey, fastEndpointValue } from './endpoint-fast-path.js';
import type { ModelUpdate } from './records.js';
import { KEY_SCHEMAS, MODEL_TYPES, VALUE_SCHEMAS } from './schema.js';
import type { ModelType } from './schema.js';

export interface InvalidRecord {
  readonly type: string;
  readonly key: unknown;
  readonly reason: string;
}

export type Validated =
  | { readonly update: ModelUpdate; readonly invalid?: undefined }
  | { readonly update: ModelUpdate; readonly invalid: InvalidRecord }
  | { readonly update?: undefined; readonly invalid: InvalidRecord };

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

function isModelType(type: unknown): type is ModelType {
  return typeof type === 'string' && (MODEL_TYPES as string[]).includes(type);
}

export function validateRecord(record: unknown): Validated {
  const raw = (typeof record === 'object' && record !== null ? record : {}) as { type?: unknown; key?: unknown; value?: unknown };
  if (!isModelType(raw.type)) {
    return { invalid: { type: String(raw.type), key: raw.key, reason: `unknown record type ${JSON.stringify(raw.type)}; expected one of ${MODEL_TYPES.join(', ')}` } };
  }
  const type = raw.type;
  if (type === 'WorkloadEndpoint') {
    const fastKey = fastEndpointKey(raw.key);
    const fastValue = fastKey === undefined || raw.value === null || raw.value === undefined ? undefined : fastEndpointValue(raw.value);
    if (fastValue !== undefined) return { update: { type, key: fastKey!, value: fastValue } };
  }
  const key = KEY_SCHEMAS[type].safeParse(raw.key ?? (type === 'ReadyFlag' ? {} : undefined));
  if (!key.success) return { invalid: { type, key: raw.key, reason: `key: ${describeIssues(key.error)}` } };
  const deletion = { type, key: key.data, value: null } as ModelUpdate;
  if (raw.value === null || raw.value === undefined) return { update: deletion };
  const value = VALUE_SCHEMAS[type].safeParse(raw.value);
  if (!value.success) return { update: deletion, invalid: { type, key: key.data, reason: describeIssues(value.error) } };
  return { update: { type, key: key.data, value: value.data } as ModelUpdate };
}
