import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { builtinRecords } from '../../../../src/adapters/datastore/convert/calico-resources.js';
import { convertObject } from '../../../../src/adapters/datastore/convert/convert.js';
import type { ModelRecord } from '../../../../src/adapters/datastore/convert/resource.js';
import { validateRecord } from '../../../../src/actors/calc/model/validate.js';

const convert = (yaml: string): readonly ModelRecord[] => {
  const records = convertObject(parse(yaml)).records;
  for (const record of records) expect(validateRecord(record).invalid, JSON.stringify(record)).toBeUndefined();
  return records;
};
const policy = (yaml: string) => convert(yaml)[0]!.value as Record<string, unknown> & { inboundRules: Record<string, unknown>[] };

describe('Calico v3 policies (calico-model.md §4)', () => {
  it('GlobalNetworkPolicy: namespace and service-account selectors folded into the selector; Pass rules', () => {
    const record = convert(`
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: block-ssh}
spec:
  tier: security
  order: 10
  selector: has(ssh-protected)
  namespaceSelector: env == 'prod'
  serviceAccountSelector: role == 'admin'
  types: [Ingress]
  ingress:
  - {action: Deny, protocol: TCP, destination: {ports: [22]}}
  - {action: Pass}`)[0]!;
    expect(record.key).toEqual({ kind: 'GlobalNetworkPolicy', namespace: '', name: 'block-ssh' });
    expect(record.value).toEqual({
      tier: 'security', order: 10, types: ['ingress'],
      selector: '((has(ssh-protected)) && pcns.env == "prod") && pcsa.role == "admin"',
      inboundRules: [{ action: 'deny', protocol: 'tcp', dstPorts: [22] }, { action: 'pass' }],
      outboundRules: [],
    });
  });

  it('NetworkPolicy: the namespace joins the selector and every selector rule; nets alone stay unrestricted', () => {
    const value = policy(`
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: db-allow, namespace: data}
spec:
  selector: app == 'db'
  ingress:
  - action: Allow
    protocol: TCP
    source:
      selector: role == 'client'
      namespaceSelector: team == 'a'
      serviceAccounts: {names: [web, api]}
    destination: {ports: [5432]}
  - {action: Allow, source: {nets: [192.168.0.0/16]}}
  - {action: Allow, source: {namespaceSelector: global(), selector: role == 'lb'}}
  - {action: Deny, source: {notSelector: trusted == 'true'}}`);
    expect(value['selector']).toBe("(app == 'db') && projectcalico.org/namespace == 'data'");
    expect(value['types']).toEqual(['ingress']);
    expect(value.inboundRules).toEqual([
      { action: 'allow', protocol: 'tcp', srcSelector: "(pcns.team == \"a\") && ((projectcalico.org/serviceaccount in {\"api\", \"web\"}) && (role == 'client'))", dstPorts: [5432] },
      { action: 'allow', srcNets: ['192.168.0.0/16'] },
      { action: 'allow', srcSelector: "(!has(projectcalico.org/namespace)) && (role == 'lb')" },
      { action: 'deny', srcSelector: "projectcalico.org/namespace == 'data'", notSrcSelector: "trusted == 'true'" },
    ]);
  });

  it('defaults types from the rules present (§4.5)', () => {
    const types = (rules: string) => policy(`{apiVersion: projectcalico.org/v3, kind: GlobalNetworkPolicy, metadata: {name: g}, spec: {${rules}}}`)['types'];
    expect(types('')).toEqual(['ingress']);
    expect(types('egress: [{action: Allow}]')).toEqual(['egress']);
    expect(types('ingress: [{action: Allow}], egress: [{action: Allow}]')).toEqual(['ingress', 'egress']);
  });

  it('refuses rules matching Services (troupe has no EndpointSlices) and names the field', () => {
    expect(() => convert('{apiVersion: projectcalico.org/v3, kind: GlobalNetworkPolicy, metadata: {name: g}, spec: {egress: [{action: Allow, destination: {services: {name: kube-dns, namespace: kube-system}}}]}}'))
      .toThrow(/GlobalNetworkPolicy g: spec.egress\[0\].destination.services is not supported/);
  });

  it('names a bad selector with its position', () => {
    expect(() => convert("{apiVersion: projectcalico.org/v3, kind: NetworkPolicy, metadata: {name: n, namespace: x}, spec: {selector: \"app ==\"}}"))
      .toThrow(/NetworkPolicy x\/n: spec.selector: invalid selector/);
  });
});

describe('other Calico resources', () => {
  it('Tier: order defaults to 1,000,000, the default action to Deny unless Pass', () => {
    expect(convert('{apiVersion: projectcalico.org/v3, kind: Tier, metadata: {name: t}}')[0]!.value).toEqual({ order: 1_000_000, defaultAction: 'Deny' });
    expect(convert('{apiVersion: projectcalico.org/v3, kind: Tier, metadata: {name: t}, spec: {order: 5, defaultAction: Pass}}')[0]!.value).toEqual({ order: 5, defaultAction: 'Pass' });
  });

  it('HostEndpoint: keyed by node and name, expected IPs split by family', () => {
    expect(convert(`
apiVersion: projectcalico.org/v3
kind: HostEndpoint
metadata: {name: node1-eth0, labels: {role: edge}}
spec: {node: node1, interfaceName: eth0, expectedIPs: [192.168.1.10, "fd00::10"], profiles: [projectcalico-default-allow], ports: [{name: ssh, protocol: TCP, port: 22}]}`)).toEqual([{
      type: 'HostEndpoint',
      key: { hostname: 'node1', endpointId: 'node1-eth0' },
      value: { name: 'eth0', profileIds: ['projectcalico-default-allow'], expectedIpv4Addrs: ['192.168.1.10/32'], expectedIpv6Addrs: ['fd00::10/128'], labels: { role: 'edge' }, ports: [{ name: 'ssh', protocol: 'tcp', port: 22 }] },
    }]);
  });

  it('NetworkSet is namespaced (label and kns. profile); GlobalNetworkSet is not', () => {
    expect(convert('{apiVersion: projectcalico.org/v3, kind: NetworkSet, metadata: {name: ext, namespace: shop, labels: {a: b}}, spec: {nets: [10.0.0.0/8, 1.2.3.4]}}')).toEqual([
      { type: 'NetworkSet', key: { name: 'shop/ext' }, value: { nets: ['10.0.0.0/8', '1.2.3.4/32'], labels: { a: 'b', 'projectcalico.org/namespace': 'shop' }, profileIds: ['kns.shop'] } },
    ]);
    expect(convert('{apiVersion: projectcalico.org/v3, kind: GlobalNetworkSet, metadata: {name: ext}, spec: {nets: [10.0.0.0/8]}}')).toEqual([
      { type: 'NetworkSet', key: { name: 'ext' }, value: { nets: ['10.0.0.0/8'], labels: {} } },
    ]);
  });

  it('WorkloadEndpoint: keyed from its spec, namespace and orchestrator labels forced', () => {
    const [record] = convert(`
apiVersion: projectcalico.org/v3
kind: WorkloadEndpoint
metadata: {name: node1-k8s-pod1-eth0, namespace: shop, labels: {app: web, pcsa.fake: x}}
spec: {orchestrator: k8s, node: node1, pod: pod1, endpoint: eth0, ipNetworks: [10.0.0.5/32], profiles: [kns.shop], interfaceName: cali1234}`);
    expect(record!.key).toEqual({ hostname: 'node1', orchestratorId: 'k8s', workloadId: 'shop/pod1', endpointId: 'eth0' });
    expect(record!.value).toMatchObject({ labels: { app: 'web', 'projectcalico.org/namespace': 'shop', 'projectcalico.org/orchestrator': 'k8s' }, ipv4Nets: ['10.0.0.5/32'] });
  });

  it('FelixConfiguration: one config record per field, global for default and per host for node.<name>', () => {
    expect(convert('{apiVersion: projectcalico.org/v3, kind: FelixConfiguration, metadata: {name: default}, spec: {defaultEndpointToHostAction: Accept, failsafeInboundHostPorts: [{protocol: TCP, port: 22}, {protocol: UDP, port: 68}]}}')).toEqual([
      { type: 'GlobalConfig', key: { name: 'DefaultEndpointToHostAction' }, value: 'Accept' },
      { type: 'GlobalConfig', key: { name: 'FailsafeInboundHostPorts' }, value: 'tcp:22,udp:68' },
    ]);
    expect(convert('{apiVersion: projectcalico.org/v3, kind: FelixConfiguration, metadata: {name: node.worker-1}, spec: {logSeverityScreen: Debug}}')).toEqual([
      { type: 'HostConfig', key: { hostname: 'worker-1', name: 'LogSeverityScreen' }, value: 'Debug' },
    ]);
  });

  it('Profile: rules converted without a namespace, labels to apply only when there are some', () => {
    expect(convert(`
apiVersion: projectcalico.org/v3
kind: Profile
metadata: {name: edge}
spec:
  labelsToApply: {zone: dmz}
  ingress: [{action: Allow, source: {selector: role == 'lb'}}]
  egress: [{action: Deny}]`)).toEqual([
      { type: 'ProfileRules', key: { name: 'edge' }, value: { inboundRules: [{ action: 'allow', srcSelector: "role == 'lb'" }], outboundRules: [{ action: 'deny' }] } },
      { type: 'ProfileLabels', key: { name: 'edge' }, value: { labelsToApply: { zone: 'dmz' } } },
    ]);
    expect(convert('{apiVersion: projectcalico.org/v3, kind: Profile, metadata: {name: bare}}')).toHaveLength(1);
  });

  it('a Kubernetes Node changes no policy (auto host endpoints are not on): nothing, with the reason', () => {
    expect(convertObject(parse('{apiVersion: v1, kind: Node, metadata: {name: n1}}'))).toEqual({ records: [], ignored: 'nodes do not change policy (auto host endpoints are not enabled)' });
  });

  it('ignores kinds troupe does not read, saying why, and staged policies', () => {
    expect(convertObject(parse('{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}}'))).toEqual({ records: [], ignored: 'apps/v1 Deployment is not a kind troupe reads' });
    expect(convertObject(parse('{apiVersion: projectcalico.org/v3, kind: StagedGlobalNetworkPolicy, metadata: {name: s}}')).records).toEqual([]);
  });

  it('the built-in tiers and the default-allow profile are valid records', () => {
    for (const record of builtinRecords()) expect(validateRecord(record).invalid).toBeUndefined();
    expect(builtinRecords().filter((record) => record.type === 'Tier').map((record) => record.key['name'])).toEqual(['default', 'kube-admin', 'kube-baseline']);
  });
});
