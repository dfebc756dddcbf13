/**
 * The common case of the most common record, checked by hand: a WorkloadEndpoint whose key and value
 * have exactly the plain shape the schema describes (schema.ts). A snapshot is almost all endpoints,
 * and zod spends ~10 µs on each; this takes ~1 µs. Anything this path is not sure of — a missing or
 * extra field, a wrong type, a bad CIDR or port — returns undefined and goes to zod, which decides and
 * words the error, so the fast path can only agree with the schema or defer to it (the tests compare
 * both on generated records).
 */
import { ENDPOINT_PORT_PROTOCOLS, PORT_NAME } from './schema.js';
import type { KeyOf, ValueOf } from './schema.js';
import { parseCidr } from './cidr.js';

const KEY_FIELDS = new Set(['hostname', 'orchestratorId', 'workloadId', 'endpointId']);
const VALUE_FIELDS = new Set(['state', 'name', 'mac', 'profileIds', 'ipv4Nets', 'ipv6Nets', 'labels', 'ports']);
const PORT_FIELDS = new Set(['name', 'protocol', 'port']);
const PORT_PROTOCOLS: ReadonlySet<string> = new Set(ENDPOINT_PORT_PROTOCOLS);

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function onlyFields(value: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const name in value) if (!allowed.has(name)) return false;
  return true;
}

export function fastEndpointKey(raw: unknown): KeyOf<'WorkloadEndpoint'> | undefined {
  if (!isPlainObject(raw) || !onlyFields(raw, KEY_FIELDS)) return undefined;
  const { hostname, orchestratorId, workloadId, endpointId } = raw;
  if (!isNonEmptyString(hostname) || !isNonEmptyString(orchestratorId) || !isNonEmptyString(workloadId) || !isNonEmptyString(endpointId)) return undefined;
  return { hostname, orchestratorId, workloadId, endpointId };
}

function strings(raw: unknown, nonEmpty: boolean): string[] | undefined {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return undefined;
  for (const item of raw) if (typeof item !== 'string' || (nonEmpty && item.length === 0)) return undefined;
  return [...raw] as string[];
}

function cidrs(raw: unknown): string[] | undefined {
  const texts = strings(raw, false);
  if (texts === undefined) return undefined;
  for (let index = 0; index < texts.length; index += 1) {
    const cidr = parseCidr(texts[index]!);
    if (cidr === undefined) return undefined;
    texts[index] = cidr.text;
  }
  return texts;
}

function labelMap(raw: unknown): Record<string, string> | undefined {
  if (raw === undefined) return {};
  if (!isPlainObject(raw)) return undefined;
  const copy: Record<string, string> = {};
  for (const name in raw) {
    const value = raw[name];
    if (name === '__proto__') return undefined; // an own "__proto__" key (from JSON) must not become a prototype
    if (typeof value !== 'string') return undefined;
    copy[name] = value;
  }
  return copy;
}

function ports(raw: unknown): ValueOf<'WorkloadEndpoint'>['ports'] | undefined {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return undefined;
  const out: ValueOf<'WorkloadEndpoint'>['ports'] = [];
  for (const port of raw as unknown[]) {
    if (!isPlainObject(port) || !onlyFields(port, PORT_FIELDS)) return undefined;
    const { name, protocol, port: number } = port;
    if (typeof name !== 'string' || !PORT_NAME.test(name) || typeof protocol !== 'string' || !PORT_PROTOCOLS.has(protocol)) return undefined;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > 65535) return undefined;
    out.push({ name, protocol: protocol as ValueOf<'WorkloadEndpoint'>['ports'][number]['protocol'], port: number });
  }
  return out;
}

export function fastEndpointValue(raw: unknown): ValueOf<'WorkloadEndpoint'> | undefined {
  if (!isPlainObject(raw) || !onlyFields(raw, VALUE_FIELDS)) return undefined;
  const { state = 'active', name, mac } = raw;
  if (typeof state !== 'string' || !isNonEmptyString(name) || (mac !== undefined && typeof mac !== 'string')) return undefined;
  const profileIds = strings(raw['profileIds'], true);
  const ipv4Nets = cidrs(raw['ipv4Nets']);
  const ipv6Nets = cidrs(raw['ipv6Nets']);
  const labels = labelMap(raw['labels']);
  const endpointPorts = ports(raw['ports']);
  if (profileIds === undefined || ipv4Nets === undefined || ipv6Nets === undefined || labels === undefined || endpointPorts === undefined) return undefined;
  return { state, name, ...(mac === undefined ? {} : { mac }), profileIds, ipv4Nets, ipv6Nets, labels, ports: endpointPorts };
}
