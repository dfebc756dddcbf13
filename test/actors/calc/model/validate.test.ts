import { describe, expect, it } from 'vitest';
import { endpointId, keyString, policyName } from '../../../../src/actors/calc/model/records.js';
import { validateRecord } from '../../../../src/actors/calc/model/validate.js';

const wepKey = { hostname: 'node-1', orchestratorId: 'k8s', workloadId: 'ns/pod-a', endpointId: 'eth0' };

describe('validateRecord (Felix ValidationFilter)', () => {
  it('accepts a workload endpoint, filling defaults and normalising nets', () => {
    const result = validateRecord({ type: 'WorkloadEndpoint', key: wepKey, value: { name: 'cali123', ipv4Nets: ['10.0.0.1'], labels: { app: 'web' }, ports: [{ name: 'http', protocol: 'tcp', port: 80 }] } });
    expect(result.invalid).toBeUndefined();
    expect(result.update).toEqual({
      type: 'WorkloadEndpoint',
      key: wepKey,
      value: { state: 'active', name: 'cali123', profileIds: [], ipv4Nets: ['10.0.0.1/32'], ipv6Nets: [], labels: { app: 'web' }, ports: [{ name: 'http', protocol: 'tcp', port: 80 }] },
    });
  });

  it('accepts a policy with rules, defaulting the tier and rule lists', () => {
    const result = validateRecord({
      type: 'Policy',
      key: { kind: 'GlobalNetworkPolicy', namespace: '', name: 'allow-web' },
      value: { order: 10, selector: "role == 'web'", inboundRules: [{ action: 'allow', protocol: 'tcp', srcSelector: 'has(client)', dstPorts: [80, '8000:8080', 'http'] }] },
    });
    expect(result.invalid).toBeUndefined();
    expect(result.update?.value).toMatchObject({ tier: 'default', order: 10, outboundRules: [] });
  });

  it('treats a null value as a deletion', () => {
    expect(validateRecord({ type: 'NetworkSet', key: { name: 'blocked' }, value: null })).toEqual({ update: { type: 'NetworkSet', key: { name: 'blocked' }, value: null } });
  });

  it('reports an invalid value with type, key and a reason naming the field, and passes it on as a deletion', () => {
    const result = validateRecord({
      type: 'Policy',
      key: { kind: 'NetworkPolicy', namespace: 'prod', name: 'bad' },
      value: { selector: 'all()', inboundRules: [{ protocol: 'tcp', srcSelector: 'a ==' }] },
    });
    expect(result.update).toEqual({ type: 'Policy', key: { kind: 'NetworkPolicy', namespace: 'prod', name: 'bad' }, value: null });
    expect(result.invalid?.type).toBe('Policy');
    expect(result.invalid?.reason).toMatch(/^inboundRules\.0\.srcSelector: invalid selector "a ==" at position 4/);
  });

  it.each([
    ['a net that is not a CIDR', { type: 'NetworkSet', key: { name: 'n' }, value: { nets: ['10.0.0.300/24'] } }, /nets\.0: "10\.0\.0\.300\/24" is not an IP address or CIDR/],
    ['an empty workload name', { type: 'WorkloadEndpoint', key: wepKey, value: { name: '' } }, /name: must be a non-empty string/],
    ['ports without a port protocol', { type: 'ProfileRules', key: { name: 'p' }, value: { inboundRules: [{ dstPorts: [80] }] } }, /ports need protocol tcp, udp, sctp or udplite/],
    ['a reversed port range', { type: 'ProfileRules', key: { name: 'p' }, value: { inboundRules: [{ protocol: 'udp', dstPorts: ['90:80'] }] } }, /from ≤ to/],
    ['an ICMP code without a type', { type: 'ProfileRules', key: { name: 'p' }, value: { inboundRules: [{ protocol: 'icmp', icmpCode: 3 }] } }, /an ICMP code needs an ICMP type/],
    ['doNotTrack without applyOnForward', { type: 'Policy', key: { kind: 'GlobalNetworkPolicy', namespace: '', name: 'x' }, value: { selector: '', doNotTrack: true } }, /need applyOnForward/],
    ['a label value that is not a string', { type: 'ProfileLabels', key: { name: 'kns.a' }, value: { labelsToApply: { a: 1 } } }, /labelsToApply\.a/],
  ])('rejects %s', (_, record, reason) => {
    const result = validateRecord(record);
    expect(result.update?.value).toBeNull();
    expect(result.invalid?.reason).toMatch(reason);
  });

  it('drops a record whose type or key is unusable, saying why', () => {
    expect(validateRecord({ type: 'Pod', key: {}, value: {} })).toEqual({ invalid: { type: 'Pod', key: {}, reason: expect.stringMatching(/unknown record type "Pod"; expected one of GlobalConfig/) } });
    const noKey = validateRecord({ type: 'HostEndpoint', key: { hostname: 'n' }, value: {} });
    expect(noKey.update).toBeUndefined();
    expect(noKey.invalid?.reason).toMatch(/^key: endpointId/);
    expect(validateRecord(42).invalid?.reason).toMatch(/unknown record type/);
  });

  it('accepts the ready flag without a key', () => {
    expect(validateRecord({ type: 'ReadyFlag', value: true }).update).toEqual({ type: 'ReadyFlag', key: {}, value: true });
  });
});

describe('names', () => {
  it('follows Felix for endpoint ids, policy names and key strings', () => {
    expect(endpointId(wepKey)).toBe('k8s/ns/pod-a/eth0');
    expect(endpointId({ hostname: 'node-1', endpointId: 'eth0-host' })).toBe('eth0-host');
    expect(policyName({ kind: 'GlobalNetworkPolicy', namespace: '', name: 'p' })).toBe('GlobalNetworkPolicy/p');
    expect(policyName({ kind: 'NetworkPolicy', namespace: 'ns', name: 'p' })).toBe('NetworkPolicy/ns/p');
    expect(keyString({ type: 'WorkloadEndpoint', key: wepKey })).toBe('WorkloadEndpoint/node-1/k8s/ns/pod-a/eth0');
  });
});
