/**
 * The Kubernetes and Calico objects the converters read, typed loosely: YAML from users is checked
 * field by field as it is converted, and a field of the wrong shape is a `ConversionError` naming the
 * object and the field, never a crash.
 */
import { TroupeError } from '../../../runtime/errors.js';

export interface ObjectMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly deletionTimestamp?: string;
}

export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: ObjectMeta;
  readonly spec?: Record<string, unknown>;
  readonly status?: Record<string, unknown>;
}

/** A model record as the calc pipeline takes it (validated there). */
export interface ModelRecord {
  readonly type: string;
  readonly key: Record<string, unknown>;
  readonly value: unknown;
}

export class ConversionError extends TroupeError {
  constructor(readonly resourceKind: string, readonly resourceName: string, readonly reason: string) {
    super('DATASTORE_ERR_CONVERT', `${resourceKind} ${resourceName}: ${reason}`);
  }
}

/** `namespace/name` or `name`, for messages. */
export function objectName(object: KubeObject): string {
  const { name = '<unnamed>', namespace } = object.metadata ?? {};
  return namespace === undefined || namespace === '' ? name : `${namespace}/${name}`;
}

/** Field readers that fail with the object's kind, name and the field's path. */
export class Fields {
  constructor(readonly kind: string, readonly name: string) {}

  fail(reason: string): never {
    throw new ConversionError(this.kind, this.name, reason);
  }

  string(value: unknown, path: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') this.fail(`${path} must be a string`);
    return value;
  }

  number(value: unknown, path: string): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(`${path} must be a number`);
    return value;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') this.fail(`${path} must be true or false`);
    return value;
  }

  array(value: unknown, path: string): readonly unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.fail(`${path} must be a list`);
    return value;
  }

  object(value: unknown, path: string): Record<string, unknown> | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) this.fail(`${path} must be a mapping`);
    return value as Record<string, unknown>;
  }

  labels(value: unknown, path: string): Record<string, string> {
    const map = this.object(value, path) ?? {};
    const labels: Record<string, string> = {};
    for (const [key, label] of Object.entries(map)) {
      if (typeof label !== 'string' && typeof label !== 'number' && typeof label !== 'boolean') this.fail(`${path}.${key} must be a string`);
      labels[key] = String(label);
    }
    return labels;
  }

  strings(value: unknown, path: string): string[] {
    return this.array(value, path).map((item, index) => {
      if (typeof item !== 'string') this.fail(`${path}[${index}] must be a string`);
      return item;
    });
  }
}
