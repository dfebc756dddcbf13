/**
 * Canned datastore records for the state tests (after felix/calc/resources_for_test.go). Host `h1` is
 * the local node; `h2` is another node whose endpoints only feed IP set membership.
 *
 *   pod1  h1  ns1  app=web  env=prod version=v1.2  10.0.1.1 fc00::1  http tcp/8080, dns udp/53
 *   pod2  h1  ns1  app=db   env=dev  version=v2.0  10.0.1.2          http tcp/9090
 *   pod3  h2  ns2  app=web  env=prod               10.0.2.3          http tcp/8081
 *   pod4  h2  ns2  app=cache tier=backend          10.0.2.4
 *   hep1  h1  role=host node=h1  192.168.0.1      hep2  h2  role=host node=h2  192.168.0.2
 *   profile labels: kns.ns1 {ns=ns1, team=a}  kns.ns2 {ns=ns2, team=b}
 */
import type { RawRecord } from './state.js';

export const LOCAL_HOST = 'h1';
export const REMOTE_HOST = 'h2';

interface WepOptions {
  readonly labels?: Record<string, string>;
  readonly ipv4?: readonly string[];
  readonly ipv6?: readonly string[];
  readonly profiles?: readonly string[];
  readonly ports?: readonly { name: string; protocol: string; port: number }[];
}

export function wep(hostname: string, namespace: string, pod: string, options: WepOptions = {}): RawRecord {
  return {
    type: 'WorkloadEndpoint',
    key: { hostname, orchestratorId: 'k8s', workloadId: `${namespace}/${pod}`, endpointId: 'eth0' },
    value: {
      state: 'active',
      name: `cali${pod}`,
      profileIds: options.profiles ?? [`kns.${namespace}`],
      ipv4Nets: options.ipv4 ?? [],
      ipv6Nets: options.ipv6 ?? [],
      labels: options.labels ?? {},
      ports: options.ports ?? [],
    },
  };
}

export function hep(hostname: string, endpointId: string, labels: Record<string, string>, ipv4: readonly string[]): RawRecord {
  return { type: 'HostEndpoint', key: { hostname, endpointId }, value: { name: 'eth0', profileIds: [], expectedIpv4Addrs: ipv4, labels } };
}

export interface PolicyOptions {
  readonly selector?: string;
  readonly tier?: string;
  readonly order?: number;
  readonly types?: readonly string[];
  readonly inbound?: readonly Record<string, unknown>[];
  readonly outbound?: readonly Record<string, unknown>[];
  readonly doNotTrack?: boolean;
  readonly preDNAT?: boolean;
  readonly applyOnForward?: boolean;
  readonly performanceHints?: readonly string[];
}

function policyValue(options: PolicyOptions): Record<string, unknown> {
  const { selector = 'all()', inbound = [], outbound = [], ...rest } = options;
  return { tier: 'default', selector, inboundRules: inbound, outboundRules: outbound, ...rest };
}

export function gnp(name: string, options: PolicyOptions = {}): RawRecord {
  return { type: 'Policy', key: { kind: 'GlobalNetworkPolicy', namespace: '', name }, value: policyValue(options) };
}

export function np(namespace: string, name: string, options: PolicyOptions = {}): RawRecord {
  return { type: 'Policy', key: { kind: 'NetworkPolicy', namespace, name }, value: policyValue(options) };
}

export function tierRecord(name: string, order: number | undefined): RawRecord {
  return { type: 'Tier', key: { name }, value: order === undefined ? {} : { order } };
}

export function profileLabels(name: string, labels: Record<string, string>): RawRecord {
  return { type: 'ProfileLabels', key: { name }, value: { labelsToApply: labels } };
}

export function profileRules(name: string, inbound: readonly Record<string, unknown>[] = [{ action: 'allow' }], outbound: readonly Record<string, unknown>[] = [{ action: 'allow' }]): RawRecord {
  return { type: 'ProfileRules', key: { name }, value: { inboundRules: inbound, outboundRules: outbound } };
}

export function networkSet(name: string, nets: readonly string[], labels: Record<string, string>): RawRecord {
  return { type: 'NetworkSet', key: { name }, value: { nets, labels } };
}

export const pod1 = wep(LOCAL_HOST, 'ns1', 'pod1', {
  labels: { app: 'web', env: 'prod', version: 'v1.2' },
  ipv4: ['10.0.1.1/32'],
  ipv6: ['fc00::1/128'],
  ports: [{ name: 'http', protocol: 'tcp', port: 8080 }, { name: 'dns', protocol: 'udp', port: 53 }],
});
export const pod2 = wep(LOCAL_HOST, 'ns1', 'pod2', { labels: { app: 'db', env: 'dev', version: 'v2.0' }, ipv4: ['10.0.1.2/32'], ports: [{ name: 'http', protocol: 'tcp', port: 9090 }] });
export const pod3 = wep(REMOTE_HOST, 'ns2', 'pod3', { labels: { app: 'web', env: 'prod' }, ipv4: ['10.0.2.3/32'], ports: [{ name: 'http', protocol: 'tcp', port: 8081 }] });
export const pod4 = wep(REMOTE_HOST, 'ns2', 'pod4', { labels: { app: 'cache', tier: 'backend' }, ipv4: ['10.0.2.4/32'] });
export const hep1 = hep(LOCAL_HOST, 'eth0', { role: 'host', node: 'h1' }, ['192.168.0.1']);
export const hep2 = hep(REMOTE_HOST, 'h2-eth0', { role: 'host', node: 'h2' }, ['192.168.0.2']);
export const ns1Labels = profileLabels('kns.ns1', { ns: 'ns1', team: 'a' });
export const ns2Labels = profileLabels('kns.ns2', { ns: 'ns2', team: 'b' });
export const ns1Rules = profileRules('kns.ns1');
export const ns2Rules = profileRules('kns.ns2');

/** Endpoint ids in the view. */
export const POD1 = 'k8s/ns1/pod1/eth0';
export const POD2 = 'k8s/ns1/pod2/eth0';
export const HEP1 = 'eth0';

/** Member strings. */
export const POD1_NETS = ['10.0.1.1/32', 'fc00::1/128'];
export const POD2_NETS = ['10.0.1.2/32'];
export const POD3_NETS = ['10.0.2.3/32'];
export const POD4_NETS = ['10.0.2.4/32'];
export const HEP2_NETS = ['192.168.0.2/32'];
