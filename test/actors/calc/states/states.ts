/**
 * The state lists (after felix/calc/states_for_test.go): each list is a path through datastore
 * snapshots, each snapshot with the dataplane view it must produce whatever came before it.
 */
import type { State} from './state.js';
import { EMPTY, namedPortId, selectorId, tier } from './state.js';
import {
  HEP1, HEP2_NETS, LOCAL_HOST, POD1, POD1_NETS, POD2, POD2_NETS, POD3_NETS, POD4_NETS, REMOTE_HOST,
  gnp, hep, hep1, hep2, networkSet, np, ns1Labels, ns1Rules, ns2Labels, ns2Rules, pod1, pod2, pod3, pod4, profileLabels, profileRules, tierRecord, wep,
} from './resources.js';

const G = (name: string): string => `GlobalNetworkPolicy/${name}`;
const allow = (rule: Record<string, unknown>): Record<string, unknown> => ({ action: 'allow', ...rule });

// ── Profiles and local endpoints ────────────────────────────────────────────────────────────────
const profiles = [
  EMPTY.named('a local endpoint with its profile').withKVs(ns1Labels, ns1Rules, pod1).withActiveProfiles('kns.ns1').withEndpoint(POD1, []),
  EMPTY.named('a profile without rules is still active (its rules drop all)').withKVs(pod1).withActiveProfiles('kns.ns1').withEndpoint(POD1, []),
  EMPTY.named('remote endpoints activate nothing').withKVs(pod3, ns2Rules, ns2Labels),
];

// ── One policy and its selector set: activation, endpoint removal, IP change ───────────────────
const allowWeb = gnp('allow-web', { inbound: [allow({ srcSelector: "app == 'web'" })] });
const WEB = selectorId("app == 'web'");
const webPolicyState = EMPTY.named('a policy on every endpoint with a source selector')
  .withKVs(ns1Rules, pod1, pod2, pod3, pod4, allowWeb)
  .withIpSet(WEB, [...POD1_NETS, ...POD3_NETS])
  .withActivePolicies(G('allow-web'))
  .withActiveProfiles('kns.ns1')
  .withEndpoint(POD1, [tier('default', [G('allow-web')])])
  .withEndpoint(POD2, [tier('default', [G('allow-web')])]);
const policyLifecycle = [
  webPolicyState,
  EMPTY.named('a policy matching only remote endpoints is inactive')
    .withKVs(ns1Rules, pod1, pod2, pod3, pod4, gnp('allow-web', { selector: "app == 'cache'", inbound: [allow({ srcSelector: "app == 'web'" })] }))
    .withActiveProfiles('kns.ns1').withEndpoint(POD1, []).withEndpoint(POD2, []),
  webPolicyState.named('a local endpoint removed').withoutKVs(pod1).withIpSet(WEB, POD3_NETS).withEndpoint(POD1, null),
  webPolicyState.named('a remote endpoint changes its IP')
    .withKVs(wep(REMOTE_HOST, 'ns2', 'pod3', { labels: { app: 'web', env: 'prod' }, ipv4: ['10.0.2.33/32'] }))
    .withIpSet(WEB, [...POD1_NETS, '10.0.2.33/32']),
  EMPTY.named('every local endpoint gone').withKVs(pod3, pod4, allowWeb),
];

// ── Every selector operator, as rule source selectors over all endpoints ───────────────────────
const everyone = [pod1, pod2, pod3, pod4, hep2, ns1Rules];
function operatorState(name: string, sets: Record<string, readonly string[]>): State {
  let state = EMPTY.named(name)
    .withKVs(...everyone, gnp('ops', { inbound: Object.keys(sets).map((srcSelector) => allow({ srcSelector })) }))
    .withActivePolicies(G('ops')).withActiveProfiles('kns.ns1')
    .withEndpoint(POD1, [tier('default', [G('ops')])]).withEndpoint(POD2, [tier('default', [G('ops')])]);
  for (const [selector, members] of Object.entries(sets)) state = state.withIpSet(selectorId(selector), members);
  return state;
}
const operators = [
  operatorState('== and !=', { "env == 'prod'": [...POD1_NETS, ...POD3_NETS], "env != 'prod'": [...POD2_NETS, ...POD4_NETS, ...HEP2_NETS] }),
  operatorState('in and not in', { "app in {'web', 'db'}": [...POD1_NETS, ...POD2_NETS, ...POD3_NETS], "app not in {'web'}": [...POD2_NETS, ...POD4_NETS, ...HEP2_NETS] }),
  operatorState('has and !has', { 'has(tier)': POD4_NETS, '!has(app)': HEP2_NETS }),
  operatorState('contains, starts with, ends with', { "version contains '.'": [...POD1_NETS, ...POD2_NETS], "version starts with 'v1'": POD1_NETS, "version ends with '.0'": POD2_NETS }),
  operatorState('&&, ||, ! and parentheses', {
    "app == 'web' && env == 'prod'": [...POD1_NETS, ...POD3_NETS],
    "app == 'db' || tier == 'backend'": [...POD2_NETS, ...POD4_NETS],
    "!(app == 'web')": [...POD2_NETS, ...POD4_NETS, ...HEP2_NETS],
    "(app == 'web' || app == 'db') && !has(tier)": [...POD1_NETS, ...POD2_NETS, ...POD3_NETS],
  }),
  operatorState('all() and global()', { 'all()': [...POD1_NETS, ...POD2_NETS, ...POD3_NETS, ...POD4_NETS, ...HEP2_NETS], 'global()': [...POD1_NETS, ...POD2_NETS, ...POD3_NETS, ...POD4_NETS, ...HEP2_NETS] }),
];

// ── Profile label inheritance and override ─────────────────────────────────────────────────────
const teamA = gnp('team-a', { selector: "team == 'a'", inbound: [allow({ srcSelector: "ns == 'ns1'" }), allow({ srcSelector: "team == 'b'" })] });
const NS1 = selectorId("ns == 'ns1'");
const TEAM_B = selectorId("team == 'b'");
const inheritance = [
  EMPTY.named('labels inherited from profiles select endpoints and members')
    .withKVs(ns1Labels, ns2Labels, ns1Rules, pod1, pod2, pod3, pod4, teamA)
    .withIpSet(NS1, [...POD1_NETS, ...POD2_NETS]).withIpSet(TEAM_B, [...POD3_NETS, ...POD4_NETS])
    .withActivePolicies(G('team-a')).withActiveProfiles('kns.ns1')
    .withEndpoint(POD1, [tier('default', [G('team-a')])]).withEndpoint(POD2, [tier('default', [G('team-a')])]),
  EMPTY.named("an endpoint's own labels override its profile's")
    .withKVs(ns1Labels, ns2Labels, ns1Rules, pod1, pod3, pod4, teamA,
      wep(LOCAL_HOST, 'ns1', 'pod2', { labels: { app: 'db', ns: 'mine', team: 'z' }, ipv4: ['10.0.1.2/32'] }))
    .withIpSet(NS1, POD1_NETS).withIpSet(TEAM_B, [...POD3_NETS, ...POD4_NETS])
    .withActivePolicies(G('team-a')).withActiveProfiles('kns.ns1')
    .withEndpoint(POD1, [tier('default', [G('team-a')])]).withEndpoint(POD2, []),
  EMPTY.named("a profile's labels change")
    .withKVs(ns1Labels, profileLabels('kns.ns2', { ns: 'ns1' }), ns1Rules, pod1, pod2, pod3, pod4, teamA)
    .withIpSet(NS1, [...POD1_NETS, ...POD2_NETS, ...POD3_NETS, ...POD4_NETS]).withIpSet(TEAM_B, [])
    .withActivePolicies(G('team-a')).withActiveProfiles('kns.ns1')
    .withEndpoint(POD1, [tier('default', [G('team-a')])]).withEndpoint(POD2, [tier('default', [G('team-a')])]),
];

// ── Named ports: protocol match and mismatch, negated, with and without a selector ──────────────
const portsPolicy = gnp('ports', {
  inbound: [
    allow({ protocol: 'tcp', dstPorts: ['http'] }),
    allow({ protocol: 'udp', dstPorts: ['http'] }),
    allow({ protocol: 'udp', dstPorts: ['dns'] }),
    allow({ protocol: 'tcp', dstSelector: "app == 'web'", dstPorts: ['http'] }),
    allow({ protocol: 'tcp', notDstPorts: ['http'] }),
    allow({ protocol: 'tcp', dstSelector: "app == 'db'", dstPorts: [80, 'http'] }),
  ],
});
function namedPortState(name: string, pod1Http: number): State {
  const pod1Ports = wep(LOCAL_HOST, 'ns1', 'pod1', {
    labels: { app: 'web', env: 'prod', version: 'v1.2' }, ipv4: ['10.0.1.1/32'], ipv6: ['fc00::1/128'],
    ports: [{ name: 'http', protocol: 'tcp', port: pod1Http }, { name: 'dns', protocol: 'udp', port: 53 }],
  });
  const pod1Http4 = `10.0.1.1,tcp:${pod1Http}`;
  const pod1Http6 = `fc00::1,tcp:${pod1Http}`;
  return EMPTY.named(name).withKVs(ns1Rules, pod1Ports, pod2, pod3, pod4, portsPolicy)
    .withIpSet(namedPortId('all()', 'tcp', 'http'), [pod1Http4, pod1Http6, '10.0.1.2,tcp:9090', '10.0.2.3,tcp:8081'])
    .withIpSet(namedPortId('all()', 'udp', 'http'), [])
    .withIpSet(namedPortId('all()', 'udp', 'dns'), ['10.0.1.1,udp:53', 'fc00::1,udp:53'])
    .withIpSet(namedPortId("app == 'web'", 'tcp', 'http'), [pod1Http4, pod1Http6, '10.0.2.3,tcp:8081'])
    .withIpSet(selectorId("app == 'db'"), POD2_NETS)
    .withIpSet(namedPortId("app == 'db'", 'tcp', 'http'), ['10.0.1.2,tcp:9090'])
    .withActivePolicies(G('ports')).withActiveProfiles('kns.ns1')
    .withEndpoint(POD1, [tier('default', [G('ports')])]).withEndpoint(POD2, [tier('default', [G('ports')])]);
}
const namedPorts = [namedPortState('named ports', 8080), namedPortState('a named port moves', 8888)];

// ── Tiers and order ties ───────────────────────────────────────────────────────────────────────
const tierPolicies = [
  gnp('b-sec', { tier: 'security', order: 5 }), gnp('a-sec', { tier: 'security', order: 5 }), gnp('sec-none', { tier: 'security' }),
  gnp('plat', { tier: 'platform', order: 1 }), gnp('ingress-only', { tier: 'platform', order: 2, types: ['ingress'] }),
  gnp('egress-only', { tier: 'platform', order: 3, types: ['egress'] }),
  gnp('dflt', { order: 100 }), np('ns1', 'np1', { order: 100 }), gnp('unknown-tier', { tier: 'ghost', order: 1 }),
];
const SECURITY = tier('security', [G('a-sec'), G('b-sec'), G('sec-none')]);
const PLATFORM = tier('platform', [G('plat'), G('ingress-only')], [G('plat'), G('egress-only')]);
const DEFAULT = tier('default', [G('dflt'), 'NetworkPolicy/ns1/np1']);
const GHOST = tier('ghost', [G('unknown-tier')]);
const tiered = (name: string, securityOrder: number, tiers: State['expected']['endpoints'][string]['tiers']): State => EMPTY.named(name)
  .withKVs(pod1, ns1Rules, tierRecord('security', securityOrder), tierRecord('platform', 20), tierRecord('default', 1_000_000), ...tierPolicies)
  .withActivePolicies(...['a-sec', 'b-sec', 'sec-none', 'plat', 'ingress-only', 'egress-only', 'dflt', 'unknown-tier'].map(G), 'NetworkPolicy/ns1/np1')
  .withActiveProfiles('kns.ns1')
  .withEndpoint(POD1, tiers);
const tiers = [
  tiered('tiers by order, policies by order then name, a tier without a record last', 10, [SECURITY, PLATFORM, DEFAULT, GHOST]),
  tiered('tier order changes', 30, [PLATFORM, SECURITY, DEFAULT, GHOST]),
];

// ── Host endpoints: untracked, pre-DNAT and forward policies ────────────────────────────────────
const hostPolicies = [
  gnp('untracked', { selector: "role == 'host'", order: 1, doNotTrack: true, applyOnForward: true, inbound: [allow({ srcSelector: "role == 'host'" })] }),
  gnp('prednat', { selector: "role == 'host'", order: 2, preDNAT: true, applyOnForward: true, inbound: [{ action: 'deny', srcNets: ['10.8.0.0/16'] }] }),
  gnp('normal', { selector: "role == 'host'", order: 3 }),
  gnp('fwd', { selector: "role == 'host'", order: 4, applyOnForward: true }),
];
const hostState = (name: string, localIp: string): State => EMPTY.named(name)
  .withKVs(hep(LOCAL_HOST, 'eth0', { role: 'host', node: 'h1' }, [localIp]), hep2, ...hostPolicies)
  .withIpSet(selectorId("role == 'host'"), [`${localIp}/32`, ...HEP2_NETS])
  .withActivePolicies(G('untracked'), G('prednat'), G('normal'), G('fwd'))
  .withUntrackedPolicies(G('untracked')).withPreDnatPolicies(G('prednat'))
  .withEndpoint(HEP1, [tier('default', [G('normal'), G('fwd')])], {
    untrackedTiers: [tier('default', [G('untracked')])],
    preDnatTiers: [tier('default', [G('prednat')], [])],
  });
const hosts = [
  hostState('a host endpoint with untracked, pre-DNAT and forward policies', '192.168.0.1'),
  hostState('a host endpoint changes its address', '192.168.0.11'),
  EMPTY.named('the local host endpoint removed').withKVs(hep2, ...hostPolicies),
  hostState('the local host endpoint back', '192.168.0.1').withKVs(hep1),
];

// ── Network sets, nested CIDRs, /0, an empty set ───────────────────────────────────────────────
const TRUSTED = selectorId("trusted == 'yes'");
const fromTrusted = gnp('from-trusted', { inbound: [allow({ srcSelector: "trusted == 'yes'" })] });
const netState = (name: string, ...nets: State['kvs']): State => EMPTY.named(name).withKVs(pod1, ns1Rules, fromTrusted, ...nets)
  .withActivePolicies(G('from-trusted')).withActiveProfiles('kns.ns1').withEndpoint(POD1, [tier('default', [G('from-trusted')])]);
const networkSets = [
  netState('a network set: CIDRs inside another are suppressed', networkSet('trusted', ['10.1.0.0/16', '10.1.2.0/24', '10.9.0.0/16'], { trusted: 'yes' }))
    .withIpSet(TRUSTED, ['10.1.0.0/16', '10.9.0.0/16']),
  netState('the outer CIDR goes: the inner one shows', networkSet('trusted', ['10.1.2.0/24', '10.9.0.0/16'], { trusted: 'yes' }))
    .withIpSet(TRUSTED, ['10.1.2.0/24', '10.9.0.0/16']),
  netState('/0 is split in two /1s that hide everything else', networkSet('trusted', ['10.1.2.0/24'], { trusted: 'yes' }), networkSet('world', ['0.0.0.0/0'], { trusted: 'yes' }))
    .withIpSet(TRUSTED, ['0.0.0.0/1', '128.0.0.0/1']),
  netState('a selector that matches nothing still gets its (empty) set')
    .withKVs(gnp('from-nothing', { inbound: [allow({ srcSelector: "app == 'nothing'" })] }))
    .withIpSet(TRUSTED, []).withIpSet(selectorId("app == 'nothing'"), [])
    .withActivePolicies(G('from-trusted'), G('from-nothing'))
    .withEndpoint(POD1, [tier('default', [G('from-nothing'), G('from-trusted')])]),
];

// ── Negated selectors, forced policies, invalid records, namespaced policies, shared sets ───────
const everyPod = [pod1, pod2, pod3, pod4, ns1Rules];
const bothPods = (policy: string): State => EMPTY.withActiveProfiles('kns.ns1')
  .withEndpoint(POD1, [tier('default', [policy])]).withEndpoint(POD2, [tier('default', [policy])]);
const sharedSet = [allow({ srcSelector: "app == 'web'" })];
const misc = [
  bothPods(G('neg')).named('a negated selector folds into the positive one; alone it gets a not-set')
    .withKVs(...everyPod, gnp('neg', { inbound: [allow({ srcSelector: 'has(app)', notSrcSelector: "env == 'prod'" }), allow({ notSrcSelector: "app == 'web'" })] }))
    .withActivePolicies(G('neg'))
    .withIpSet(selectorId("(has(app)) && (!(env == 'prod'))"), [...POD2_NETS, ...POD4_NETS])
    .withIpSet(WEB, [...POD1_NETS, ...POD3_NETS]),
  EMPTY.named('AssumeNeededOnEveryNode makes a policy active without a local match')
    .withKVs(...everyPod, gnp('everywhere', { selector: "app == 'cache'", performanceHints: ['AssumeNeededOnEveryNode'], inbound: [allow({ srcSelector: "app == 'db'" })] }))
    .withActivePolicies(G('everywhere')).withActiveProfiles('kns.ns1').withIpSet(selectorId("app == 'db'"), POD2_NETS)
    .withEndpoint(POD1, []).withEndpoint(POD2, []),
  EMPTY.named('invalid records count as absent')
    .withKVs(pod1, pod2, ns1Rules, gnp('bad', { selector: 'app ==' }), gnp('good', { selector: "app == 'db'" }),
      wep(LOCAL_HOST, 'ns1', 'bad-ip', { ipv4: ['10.0.1.300/32'] }))
    .withActivePolicies(G('good')).withActiveProfiles('kns.ns1').withEndpoint(POD1, []).withEndpoint(POD2, [tier('default', [G('good')])]),
  EMPTY.named('a namespaced policy')
    .withKVs(pod1, pod2, ns1Rules, np('ns1', 'np-a', { selector: "app == 'db'" }))
    .withActivePolicies('NetworkPolicy/ns1/np-a').withActiveProfiles('kns.ns1').withEndpoint(POD1, []).withEndpoint(POD2, [tier('default', ['NetworkPolicy/ns1/np-a'])]),
  bothPods(G('p1')).named('two policies share one set')
    .withKVs(...everyPod, gnp('p1', { inbound: sharedSet }), gnp('p2', { selector: "app == 'web'", inbound: sharedSet }))
    .withActivePolicies(G('p1'), G('p2')).withIpSet(WEB, [...POD1_NETS, ...POD3_NETS])
    .withEndpoint(POD1, [tier('default', [G('p1'), G('p2')])]),
  bothPods(G('p1')).named('one of them goes: the set stays')
    .withKVs(...everyPod, gnp('p1', { inbound: sharedSet }))
    .withActivePolicies(G('p1')).withIpSet(WEB, [...POD1_NETS, ...POD3_NETS]),
  EMPTY.named("a profile's rules bring their own sets")
    .withKVs(pod1, pod2, profileRules('kns.ns1', [allow({ srcSelector: "app == 'db'" })]))
    .withActiveProfiles('kns.ns1').withIpSet(selectorId("app == 'db'"), POD2_NETS).withEndpoint(POD1, []).withEndpoint(POD2, []),
];

export const STATE_LISTS: Readonly<Record<string, readonly State[]>> = {
  profiles, policyLifecycle, operators, inheritance, namedPorts, tiers, hosts, networkSets, misc,
};

export const ALL_STATES: readonly State[] = Object.values(STATE_LISTS).flat();
