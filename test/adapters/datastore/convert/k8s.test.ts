import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { convertObject } from '../../../../src/adapters/datastore/convert/convert.js';
import { ConversionError } from '../../../../src/adapters/datastore/convert/resource.js';
import type { ModelRecord } from '../../../../src/adapters/datastore/convert/resource.js';
import { validateRecord } from '../../../../src/actors/calc/model/validate.js';

const convert = (yaml: string): readonly ModelRecord[] => convertObject(parse(yaml)).records;
const only = (yaml: string): ModelRecord => {
  const records = convert(yaml);
  expect(records).toHaveLength(1);
  // Everything the converters make is a valid model record.
  for (const record of records) expect(validateRecord(record).invalid).toBeUndefined();
  return records[0]!;
};
const value = (record: ModelRecord) => record.value as Record<string, unknown> & { inboundRules: Record<string, unknown>[]; outboundRules: Record<string, unknown>[] };

describe('Pod → WorkloadEndpoint (calico-model.md §1)', () => {
  const pod = `
apiVersion: v1
kind: Pod
metadata: {name: web-7d9f, namespace: shop, labels: {app: web, pcns.evil: x}}
spec:
  nodeName: worker-1
  serviceAccountName: web-sa
  containers:
  - name: c
    ports:
    - {name: http, containerPort: 8080}
    - {containerPort: 9090}
    - {name: dns, containerPort: 53, protocol: UDP}
status: {phase: Running, podIPs: [{ip: 10.244.1.7}, {ip: "fd00::7"}]}`;

  it('makes the documented endpoint: key, nets, profiles, labels (pcns. removed), named ports only', () => {
    const record = only(pod);
    expect(record.key).toEqual({ hostname: 'worker-1', orchestratorId: 'k8s', workloadId: 'shop/web-7d9f', endpointId: 'eth0' });
    expect(record.value).toMatchObject({
      ipv4Nets: ['10.244.1.7/32'],
      ipv6Nets: ['fd00::7/128'],
      profileIds: ['kns.shop', 'ksa.shop.web-sa'],
      labels: { app: 'web', 'projectcalico.org/namespace': 'shop', 'projectcalico.org/orchestrator': 'k8s', 'projectcalico.org/serviceaccount': 'web-sa' },
      ports: [{ name: 'http', protocol: 'tcp', port: 8080 }, { name: 'dns', protocol: 'udp', port: 53 }],
    });
    expect(value(record)['name']).toMatch(/^cali[0-9a-f]{11}$/);
  });

  it.each([
    ['host-networked', pod.replace('nodeName: worker-1', 'nodeName: worker-1\n  hostNetwork: true')],
    ['unscheduled', pod.replace('nodeName: worker-1', 'nodeName: ""')],
    ['finished', pod.replace('phase: Running', 'phase: Succeeded')],
    ['without an IP', pod.replace('podIPs: [{ip: 10.244.1.7}, {ip: "fd00::7"}]', 'podIPs: []')],
  ])('makes no endpoint for a pod that is %s', (_name, yaml) => {
    expect(convert(yaml)).toEqual([]);
  });

  it('falls back to the Calico IP annotation and defaults the service account', () => {
    const record = only(`
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: n, annotations: {cni.projectcalico.org/podIP: 10.0.0.9/32}}
spec: {nodeName: w}`);
    expect(record.value).toMatchObject({ ipv4Nets: ['10.0.0.9/32'], profileIds: ['kns.n', 'ksa.n.default'] });
  });

  it('names the pod and the field when an IP is malformed', () => {
    expect(() => convert(pod.replace('10.244.1.7', '10.244.1.700'))).toThrow(new ConversionError('Pod', 'shop/web-7d9f', 'pod IP "10.244.1.700" is not an IP address'));
  });
});

describe('Namespace and ServiceAccount → profiles (§2)', () => {
  it('prefixes namespace labels with pcns. and adds the name labels', () => {
    const [rules, labels] = convert('{apiVersion: v1, kind: Namespace, metadata: {name: shop, labels: {team: a}}}');
    expect(rules).toEqual({ type: 'ProfileRules', key: { name: 'kns.shop' }, value: { inboundRules: [{ action: 'allow' }], outboundRules: [{ action: 'allow' }] } });
    expect(labels!.value).toEqual({ labelsToApply: { 'pcns.team': 'a', 'pcns.kubernetes.io/metadata.name': 'shop', 'pcns.projectcalico.org/name': 'shop' } });
  });

  it('gives a service account a profile with pcsa. labels and no rules', () => {
    const [rules, labels] = convert('{apiVersion: v1, kind: ServiceAccount, metadata: {name: web-sa, namespace: shop, labels: {role: frontend}}}');
    expect(rules!.value).toEqual({ inboundRules: [], outboundRules: [] });
    expect(labels).toEqual({ type: 'ProfileLabels', key: { name: 'ksa.shop.web-sa' }, value: { labelsToApply: { 'pcsa.role': 'frontend', 'pcsa.projectcalico.org/name': 'web-sa' } } });
  });
});

describe('Kubernetes NetworkPolicy → KubernetesNetworkPolicy (§3)', () => {
  it('converts the worked example: selector, one rule per protocol × peer, merged ports, ipBlock, egress', () => {
    const record = only(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-allow, namespace: prod}
spec:
  podSelector:
    matchLabels: {app: api}
    matchExpressions: [{key: tier, operator: In, values: [web, backend]}]
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - podSelector: {matchLabels: {role: frontend}}
    - namespaceSelector: {matchLabels: {team: ops}}
      podSelector: {matchLabels: {role: monitor}}
    - ipBlock: {cidr: 10.1.0.0/16, except: [10.1.5.0/24]}
    ports: [{port: 8080}, {port: 8081}, {port: 53, protocol: UDP}, {port: http}]
  egress:
  - to: [{namespaceSelector: {}}]
    ports: [{port: 5432, endPort: 5440}]`);
    expect(record.key).toEqual({ kind: 'KubernetesNetworkPolicy', namespace: 'prod', name: 'api-allow' });
    const policy = value(record);
    expect(policy).toMatchObject({ tier: 'default', order: 1000, types: ['ingress', 'egress'] });
    expect(policy['selector']).toBe("(projectcalico.org/orchestrator == 'k8s' && app == 'api' && tier in { 'web', 'backend' }) && projectcalico.org/namespace == 'prod'");
    const frontend = "(projectcalico.org/namespace == 'prod') && (projectcalico.org/orchestrator == 'k8s' && role == 'frontend')";
    const monitor = "(pcns.team == \"ops\") && (projectcalico.org/orchestrator == 'k8s' && role == 'monitor')";
    expect(policy.inboundRules).toEqual([
      { action: 'allow', protocol: 'tcp', srcSelector: frontend, dstPorts: ['http', '8080:8081'] },
      { action: 'allow', protocol: 'tcp', srcSelector: monitor, dstPorts: ['http', '8080:8081'] },
      { action: 'allow', protocol: 'tcp', srcNets: ['10.1.0.0/16'], notSrcNets: ['10.1.5.0/24'], dstPorts: ['http', '8080:8081'] },
      { action: 'allow', protocol: 'udp', srcSelector: frontend, dstPorts: [53] },
      { action: 'allow', protocol: 'udp', srcSelector: monitor, dstPorts: [53] },
      { action: 'allow', protocol: 'udp', srcNets: ['10.1.0.0/16'], notSrcNets: ['10.1.5.0/24'], dstPorts: [53] },
    ]);
    expect(policy.outboundRules).toEqual([
      { action: 'allow', protocol: 'tcp', dstSelector: "(has(projectcalico.org/namespace)) && (projectcalico.org/orchestrator == 'k8s')", dstPorts: ['5432:5440'] },
    ]);
  });

  const peer = (from: string) => value(only(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: prod}
spec: {podSelector: {}, ingress: [{from: [${from}]}]}`)).inboundRules[0];

  it.each([
    ['podSelector: {}', { srcSelector: "(projectcalico.org/namespace == 'prod') && (projectcalico.org/orchestrator == 'k8s')" }],
    ['namespaceSelector: {}', { srcSelector: "(has(projectcalico.org/namespace)) && (projectcalico.org/orchestrator == 'k8s')" }],
    ['namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: db}}', { srcSelector: "(pcns.kubernetes.io/metadata.name == \"db\") && (projectcalico.org/orchestrator == 'k8s')" }],
    ['namespaceSelector: {matchLabels: {a: x, b: y}}', { srcSelector: "((pcns.a == \"x\" && pcns.b == \"y\")) && (projectcalico.org/orchestrator == 'k8s')" }],
    ['namespaceSelector: {matchExpressions: [{key: env, operator: NotIn, values: [dev]}]}', { srcSelector: "(pcns.env not in {\"dev\"}) && (projectcalico.org/orchestrator == 'k8s')" }],
    ['podSelector: {matchExpressions: [{key: x, operator: DoesNotExist}]}', { srcSelector: "(projectcalico.org/namespace == 'prod') && (projectcalico.org/orchestrator == 'k8s' && ! has(x))" }],
    ['ipBlock: {cidr: 0.0.0.0/0}', { srcNets: ['0.0.0.0/0'] }],
  ])('peer %s → the documented selector', (from, expected) => {
    expect(peer(`{${from}}`)).toEqual({ action: 'allow', ...expected });
  });

  const docs = (spec: string) => value(only(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: default}
spec: ${spec}`));

  it('default-deny-ingress (Kubernetes docs): applies to every pod, no inbound rules', () => {
    expect(docs('{podSelector: {}, policyTypes: [Ingress]}')).toMatchObject({ selector: "(projectcalico.org/orchestrator == 'k8s') && projectcalico.org/namespace == 'default'", types: ['ingress'], inboundRules: [], outboundRules: [] });
  });

  it('allow-all-ingress (Kubernetes docs): one rule with no criteria', () => {
    expect(docs('{podSelector: {}, ingress: [{}], policyTypes: [Ingress]}').inboundRules).toEqual([{ action: 'allow' }]);
  });

  it('default-deny-egress and allow-all-egress (Kubernetes docs)', () => {
    expect(docs('{podSelector: {}, policyTypes: [Egress]}')).toMatchObject({ types: ['egress'], outboundRules: [] });
    expect(docs('{podSelector: {}, egress: [{}], policyTypes: [Egress]}').outboundRules).toEqual([{ action: 'allow' }]);
  });

  it('default-deny-all (Kubernetes docs)', () => {
    expect(docs('{podSelector: {}, policyTypes: [Ingress, Egress]}')).toMatchObject({ types: ['ingress', 'egress'], inboundRules: [], outboundRules: [] });
  });

  it('multi-port-egress with endPort (Kubernetes docs)', () => {
    expect(docs('{podSelector: {matchLabels: {role: db}}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 10.0.0.0/24}}], ports: [{protocol: TCP, port: 32000, endPort: 32768}]}]}').outboundRules)
      .toEqual([{ action: 'allow', protocol: 'tcp', dstNets: ['10.0.0.0/24'], dstPorts: ['32000:32768'] }]);
  });

  it('test-network-policy (Kubernetes docs): ipBlock with except, namespace and pod peers, TCP ports, egress', () => {
    const policy = docs(`
  podSelector: {matchLabels: {role: db}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - ipBlock: {cidr: 172.17.0.0/16, except: [172.17.1.0/24]}
    - namespaceSelector: {matchLabels: {project: myproject}}
    - podSelector: {matchLabels: {role: frontend}}
    ports: [{protocol: TCP, port: 6379}]
  egress:
  - to: [{ipBlock: {cidr: 10.0.0.0/24}}]
    ports: [{protocol: TCP, port: 5978}]`);
    expect(policy.inboundRules).toEqual([
      { action: 'allow', protocol: 'tcp', srcNets: ['172.17.0.0/16'], notSrcNets: ['172.17.1.0/24'], dstPorts: [6379] },
      { action: 'allow', protocol: 'tcp', srcSelector: "(pcns.project == \"myproject\") && (projectcalico.org/orchestrator == 'k8s')", dstPorts: [6379] },
      { action: 'allow', protocol: 'tcp', srcSelector: "(projectcalico.org/namespace == 'default') && (projectcalico.org/orchestrator == 'k8s' && role == 'frontend')", dstPorts: [6379] },
    ]);
    expect(policy.outboundRules).toEqual([{ action: 'allow', protocol: 'tcp', dstNets: ['10.0.0.0/24'], dstPorts: [5978] }]);
  });

  it('defaults policyTypes as the API server does: Egress only when there are egress rules', () => {
    expect(docs('{podSelector: {}, egress: [{}]}').types).toEqual(['ingress', 'egress']);
    expect(docs('{podSelector: {}, ingress: [{}]}').types).toEqual(['ingress']);
  });

  it('a port entry with a protocol and no port means all its ports, whatever else is listed', () => {
    expect(docs('{podSelector: {}, ingress: [{ports: [{protocol: UDP, port: 53}, {protocol: UDP}, {port: 80}, {port: 81}, {port: 90}]}]}').inboundRules)
      .toEqual([{ action: 'allow', protocol: 'tcp', dstPorts: ['80:81', 90] }, { action: 'allow', protocol: 'udp' }]);
  });

  it('names the policy and field of a bad matchExpressions operator', () => {
    expect(() => docs('{podSelector: {matchExpressions: [{key: a, operator: Near}]}}')).toThrow(/NetworkPolicy default\/p: spec.podSelector.matchExpressions\[0\].operator must be In, NotIn, Exists or DoesNotExist/);
  });
});
