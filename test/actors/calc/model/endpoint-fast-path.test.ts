import { describe, expect, it } from 'vitest';
import { fastEndpointKey, fastEndpointValue } from '../../../../src/actors/calc/model/endpoint-fast-path.js';
import { KEY_SCHEMAS, VALUE_SCHEMAS } from '../../../../src/actors/calc/model/schema.js';
import { validateRecord } from '../../../../src/actors/calc/model/validate.js';
import { createRandom } from '../../../../src/runtime/random.js';

const generator = createRandom(42);
const random = () => generator.float();
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;

const VALID_VALUE = {
  state: 'active', name: 'cali1234', mac: 'ee:ee:ee:ee:ee:ee', profileIds: ['kns.default'], ipv4Nets: ['10.0.0.1/32'], ipv6Nets: ['fd00::1'],
  labels: { app: 'web', 'projectcalico.org/namespace': 'default' }, ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
};
const VALID_KEY = { hostname: 'node-1', orchestratorId: 'k8s', workloadId: 'default/pod-1', endpointId: 'eth0' };

/** Values a field may take, valid and not: what a datastore could send. */
const ODD_VALUES: readonly unknown[] = [
  undefined, null, '', 'x', 0, 7.5, -1, 70000, true, [], {}, ['a'], [''], [1], ['10.0.0.0/8', 'fd00::/64'], ['10.0.0.300'], ['10.0.0.1/33'],
  { a: 'b' }, { a: 1 }, [{ name: 'http', protocol: 'tcp', port: 80 }], [{ name: 'HTTP', protocol: 'tcp', port: 80 }],
  [{ name: 'http', protocol: 'icmp', port: 80 }], [{ name: 'http', protocol: 'udp', port: 80, extra: 1 }], [{ name: 'http', protocol: 'udp', port: 1.5 }],
  JSON.parse('{"__proto__": "x"}'), Object.create(null), new Map(),
];

function mutated(base: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = structuredClone(base);
  const changes = Math.floor(random() * 3);
  for (let change = 0; change < changes; change += 1) {
    const field = random() < 0.1 ? 'unexpected' : pick(fields);
    const value = pick(ODD_VALUES);
    if (value === undefined && random() < 0.5) delete copy[field];
    else copy[field] = value;
  }
  return copy;
}

describe('the WorkloadEndpoint fast path', () => {
  it('takes ordinary endpoints and gives what the schema gives', () => {
    expect(fastEndpointValue(VALID_VALUE)).toEqual(VALUE_SCHEMAS.WorkloadEndpoint.parse(VALID_VALUE));
    expect(fastEndpointValue({ name: 'cali1' })).toEqual(VALUE_SCHEMAS.WorkloadEndpoint.parse({ name: 'cali1' }));
    expect(fastEndpointKey(VALID_KEY)).toEqual(KEY_SCHEMAS.WorkloadEndpoint.parse(VALID_KEY));
    expect(fastEndpointValue({ ...VALID_VALUE, ipv4Nets: ['10.0.0.1'] })?.ipv4Nets).toEqual(['10.0.0.1/32']);
  });

  it('on 20,000 generated keys and values, never accepts what the schema rejects and never differs from it', () => {
    let fast = 0;
    for (let sample = 0; sample < 20_000; sample += 1) {
      const value = mutated(VALID_VALUE, Object.keys(VALID_VALUE));
      const key = mutated(VALID_KEY, Object.keys(VALID_KEY));
      const fastValue = fastEndpointValue(value);
      const fastKey = fastEndpointKey(key);
      if (fastValue !== undefined) {
        fast += 1;
        const schema = VALUE_SCHEMAS.WorkloadEndpoint.safeParse(value);
        expect(schema.success, JSON.stringify(value)).toBe(true);
        expect(fastValue).toEqual(schema.data);
      }
      if (fastKey !== undefined) expect(fastKey).toEqual(KEY_SCHEMAS.WorkloadEndpoint.parse(key));
    }
    expect(fast).toBeGreaterThan(2_000); // it is a fast path, not a path never taken
  });

  it('leaves invalid records to the schema, whose error names the field', () => {
    const result = validateRecord({ type: 'WorkloadEndpoint', key: VALID_KEY, value: { ...VALID_VALUE, ipv4Nets: ['10.0.0.300'] } });
    expect(result.invalid?.reason).toMatch(/ipv4Nets\.0: "10\.0\.0\.300" is not an IP address or CIDR/);
    expect(result.update?.value).toBeNull();
  });
});
