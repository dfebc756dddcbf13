/**
 * Synthetic clusters as model KV records, for benchmarks and for tests that need volume: namespaces
 * (profiles with labels), endpoints with labels and named ports spread over nodes, policies with
 * selectors and rules, and network sets. Deterministic for a seed. Shapes:
 *   - `syntheticCluster`: a mixed cluster (the calc snapshot benchmark);
 *   - `isolatedCustomers`: Felix's benchmark shape, N namespaces each with one pod and one policy
 *     isolating it (felix/calc/calc_graph_fv_test.go "isolated customers").
 */
import { createRandom } from '../src/runtime/random.js';

export interface KvRecord {
  readonly type: string;
  readonly key: Record<string, unknown>;
  readonly value: unknown;
}

export interface ClusterShape {
  readonly namespaces: number;
  readonly endpoints: number;
  /** Endpoints on the local host (`node-0`); the rest spread over `nodes - 1` other hosts. */
  readonly localEndpoints: number;
  readonly nodes: number;
  readonly policies: number;
  /** Distinct `app` label values. */
  readonly apps: number;
  readonly networkSets: number;
  readonly seed: number;
}

export const LOCAL_NODE = 'node-0';
const TIERS = ['web', 'api', 'db', 'cache'];
const ENVS = ['prod', 'staging', 'dev'];

function ipv4(index: number): string {
  return `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}/32`;
}

function namespaceRecords(count: number): KvRecord[] {
  const records: KvRecord[] = [];
  for (let n = 0; n < count; n += 1) {
    const name = `kns.ns-${n}`;
    records.push({ type: 'ProfileLabels', key: { name }, value: { labelsToApply: { 'projectcalico.org/name': `ns-${n}`, env: ENVS[n % ENVS.length]!, team: `team-${n % 20}` } } });
    records.push({ type: 'ProfileRules', key: { name }, value: { inboundRules: [{ action: 'allow' }], outboundRules: [{ action: 'allow' }] } });
  }
  return records;
}

function endpointRecord(index: number, shape: ClusterShape, random: ReturnType<typeof createRandom>): KvRecord {
  const namespace = `ns-${index % shape.namespaces}`;
  const local = index < shape.localEndpoints;
  const hostname = local ? LOCAL_NODE : `node-${1 + (index % Math.max(1, shape.nodes - 1))}`;
  const app = `app-${random.int(0, shape.apps - 1)}`;
  const ports = index % 3 === 0 ? [] : [{ name: 'http', protocol: 'tcp', port: 8080 }, { name: 'metrics', protocol: 'tcp', port: 9090 + (index % 2) }];
  return {
    type: 'WorkloadEndpoint',
    key: { hostname, orchestratorId: 'k8s', workloadId: `${namespace}/pod-${index}`, endpointId: 'eth0' },
    value: {
      state: 'active',
      name: `cali${index.toString(16).padStart(11, '0')}`,
      profileIds: [`kns.${namespace}`],
      ipv4Nets: [ipv4(index + 1)],
      labels: { app, tier: TIERS[index % TIERS.length]!, version: `v${index % 5}`, 'projectcalico.org/namespace': namespace },
      ports,
    },
  };
}

function policyRecord(index: number, shape: ClusterShape, random: ReturnType<typeof createRandom>): KvRecord {
  const namespace = `ns-${index % shape.namespaces}`;
  const app = `app-${random.int(0, shape.apps - 1)}`;
  const peer = `app-${random.int(0, shape.apps - 1)}`;
  const inNamespace = `projectcalico.org/namespace == '${namespace}'`;
  const global = index % 10 === 0;
  const selector = global ? `tier == '${TIERS[index % TIERS.length]!}' && app == '${app}'` : `${inNamespace} && app == '${app}'`;
  const inboundRules = [
    { action: 'allow', protocol: 'tcp', srcSelector: global ? `app == '${peer}'` : `${inNamespace} && app == '${peer}'`, dstPorts: ['http', 443] },
    ...(index % 4 === 0 ? [{ action: 'allow', srcSelector: `team == 'team-${index % 20}'`, notSrcSelector: "env == 'dev'" }] : []),
    ...(index % 7 === 0 ? [{ action: 'allow', srcSelector: `netset == 'trusted-${index % Math.max(1, shape.networkSets)}'` }] : []),
  ];
  const outboundRules = [{ action: 'allow', protocol: 'tcp', dstSelector: `tier == 'db' && version in {'v${index % 5}', 'v${(index + 1) % 5}'}`, dstPorts: [5432] }];
  return {
    type: 'Policy',
    key: global ? { kind: 'GlobalNetworkPolicy', namespace: '', name: `gnp-${index}` } : { kind: 'NetworkPolicy', namespace, name: `np-${index}` },
    value: { tier: 'default', order: index % 100, selector, inboundRules, outboundRules, types: ['ingress', 'egress'] },
  };
}

/** A mixed cluster: records in the order a syncer would deliver a snapshot (by type, then key). */
export function syntheticCluster(shape: ClusterShape): KvRecord[] {
  const random = createRandom(shape.seed);
  const records: KvRecord[] = [
    { type: 'GlobalConfig', key: { name: 'LogSeverityScreen' }, value: 'Info' },
    { type: 'Tier', key: { name: 'default' }, value: { order: 1_000_000 } },
    ...namespaceRecords(shape.namespaces),
  ];
  for (let n = 0; n < shape.networkSets; n += 1) {
    records.push({ type: 'NetworkSet', key: { name: `trusted-${n}` }, value: { nets: [`172.${16 + (n % 16)}.${n % 256}.0/24`, `172.${16 + (n % 16)}.0.0/16`], labels: { netset: `trusted-${n}` } } });
  }
  for (let p = 0; p < shape.policies; p += 1) records.push(policyRecord(p, shape, random));
  for (let e = 0; e < shape.endpoints; e += 1) records.push(endpointRecord(e, shape, random));
  return records;
}

/** Felix's isolated customers: namespace i has pod i and a policy allowing only its own namespace. */
export function isolatedCustomers(count: number, localPods: number): KvRecord[] {
  const records: KvRecord[] = [];
  for (let n = 0; n < count; n += 1) {
    const namespace = `customer-${n}`;
    const inNamespace = `projectcalico.org/namespace == '${namespace}'`;
    records.push({ type: 'ProfileLabels', key: { name: `kns.${namespace}` }, value: { labelsToApply: { 'projectcalico.org/name': namespace } } });
    records.push({
      type: 'Policy',
      key: { kind: 'NetworkPolicy', namespace, name: 'isolate' },
      value: { tier: 'default', order: 1000, selector: inNamespace, types: ['ingress'], inboundRules: [{ action: 'allow', srcSelector: inNamespace }] },
    });
    records.push({
      type: 'WorkloadEndpoint',
      key: { hostname: n < localPods ? LOCAL_NODE : `node-${1 + (n % 100)}`, orchestratorId: 'k8s', workloadId: `${namespace}/pod`, endpointId: 'eth0' },
      value: { state: 'active', name: `cali${n.toString(16).padStart(11, '0')}`, profileIds: [`kns.${namespace}`], ipv4Nets: [ipv4(n + 1)], labels: { app: 'customer', 'projectcalico.org/namespace': namespace } },
    });
  }
  return records;
}
