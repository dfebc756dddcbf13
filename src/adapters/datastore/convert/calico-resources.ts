/**
 * Calico `projectcalico.org/v3` resources → model records (calico-model.md §4, §5): policies with
 * their selectors assembled as Calico does, tiers with their defaults, profiles, host and workload
 * endpoints, network sets, and FelixConfiguration as one config record per field.
 */
import { parseCidr } from '../../../actors/calc/model/cidr.js';
import { convertCalicoRules } from './calico-rules.js';
import { Fields, objectName } from './resource.js';
import type { KubeObject, ModelRecord } from './resource.js';
import { NAMESPACE_LABEL, NAMESPACE_PREFIX, ORCHESTRATOR_LABEL, SERVICE_ACCOUNT_LABEL, SERVICE_ACCOUNT_PREFIX, checkSelector, prefixSelector } from './selectors.js';

export const DEFAULT_TIER_ORDER = 1_000_000;

/** The tiers and the profile every Calico cluster has (calico-model.md §2, §4.4). */
export function builtinRecords(): ModelRecord[] {
  return [
    { type: 'Tier', key: { name: 'default' }, value: { order: DEFAULT_TIER_ORDER, defaultAction: 'Deny' } },
    { type: 'Tier', key: { name: 'kube-admin' }, value: { order: 1_000, defaultAction: 'Pass' } },
    { type: 'Tier', key: { name: 'kube-baseline' }, value: { order: 10_000_000, defaultAction: 'Pass' } },
    { type: 'ProfileRules', key: { name: 'projectcalico-default-allow' }, value: { inboundRules: [{ action: 'allow' }], outboundRules: [{ action: 'allow' }] } },
  ];
}

function splitNets(texts: readonly string[], fields: Fields, path: string): { v4: string[]; v6: string[] } {
  const v4: string[] = [];
  const v6: string[] = [];
  texts.forEach((text, index) => {
    const cidr = parseCidr(text) ?? fields.fail(`${path}[${index}]: ${JSON.stringify(text)} is not an IP address or CIDR`);
    (cidr.version === 4 ? v4 : v6).push(cidr.text);
  });
  return { v4, v6 };
}

function endpointPorts(raw: unknown, fields: Fields, path: string): { name: string; protocol: string; port: number }[] {
  return fields.array(raw, path).flatMap((rawPort, index) => {
    const port = fields.object(rawPort, `${path}[${index}]`) ?? {};
    const name = fields.string(port['name'], `${path}[${index}].name`);
    const number = fields.number(port['port'], `${path}[${index}].port`);
    if (name === undefined || name === '' || number === undefined) return [];
    return [{ name, protocol: (fields.string(port['protocol'], `${path}[${index}].protocol`) ?? 'TCP').toLowerCase(), port: number }];
  });
}

/** §4.5: `types` left empty are defaulted from which rules exist. */
function policyTypes(spec: Record<string, unknown>, fields: Fields): string[] {
  const declared = fields.strings(spec['types'], 'spec.types');
  for (const type of declared) if (type !== 'Ingress' && type !== 'Egress') fields.fail(`spec.types: ${JSON.stringify(type)} is neither Ingress nor Egress`);
  if (declared.length > 0) return declared.map((type) => type.toLowerCase());
  const ingress = fields.array(spec['ingress'], 'spec.ingress').length > 0;
  const egress = fields.array(spec['egress'], 'spec.egress').length > 0;
  return egress && !ingress ? ['egress'] : egress ? ['ingress', 'egress'] : ['ingress'];
}

function policyValue(spec: Record<string, unknown>, selector: string, namespace: string, fields: Fields, global: boolean): Record<string, unknown> {
  const hints = fields.strings(spec['performanceHints'], 'spec.performanceHints');
  const flag = (name: string) => (global ? fields.boolean(spec[name], `spec.${name}`) : undefined);
  const doNotTrack = flag('doNotTrack');
  const preDNAT = flag('preDNAT');
  const applyOnForward = flag('applyOnForward');
  const order = fields.number(spec['order'], 'spec.order');
  return {
    tier: fields.string(spec['tier'], 'spec.tier') || 'default',
    ...(order === undefined ? {} : { order }),
    selector,
    types: policyTypes(spec, fields),
    inboundRules: convertCalicoRules(spec['ingress'], namespace, fields, 'spec.ingress'),
    outboundRules: convertCalicoRules(spec['egress'], namespace, fields, 'spec.egress'),
    ...(doNotTrack === undefined ? {} : { doNotTrack }),
    ...(preDNAT === undefined ? {} : { preDNAT }),
    ...(applyOnForward === undefined ? {} : { applyOnForward }),
    ...(hints.length === 0 ? {} : { performanceHints: hints }),
  };
}

export function convertGlobalNetworkPolicy(object: KubeObject): ModelRecord[] {
  const fields = new Fields('GlobalNetworkPolicy', objectName(object));
  const name = object.metadata?.name ?? fields.fail('metadata.name is required');
  const spec = object.spec ?? {};
  let selector = checkSelector(fields.string(spec['selector'], 'spec.selector') ?? '', fields, 'spec.selector');
  const namespaceSelector = fields.string(spec['namespaceSelector'], 'spec.namespaceSelector') ?? '';
  if (namespaceSelector !== '') {
    const part = prefixSelector(namespaceSelector, NAMESPACE_PREFIX, fields, 'spec.namespaceSelector');
    selector = (selector === '' ? part : `(${selector}) && ${part}`).replaceAll('all()', `has(${NAMESPACE_LABEL})`);
  }
  const accountSelector = fields.string(spec['serviceAccountSelector'], 'spec.serviceAccountSelector') ?? '';
  if (accountSelector !== '') {
    const part = prefixSelector(accountSelector, SERVICE_ACCOUNT_PREFIX, fields, 'spec.serviceAccountSelector');
    selector = (selector === '' ? part : `(${selector}) && ${part}`).replaceAll('all()', `has(${SERVICE_ACCOUNT_LABEL})`);
  }
  return [{ type: 'Policy', key: { kind: 'GlobalNetworkPolicy', namespace: '', name }, value: policyValue(spec, selector, '', fields, true) }];
}

export function convertNetworkPolicy(object: KubeObject): ModelRecord[] {
  const fields = new Fields('NetworkPolicy', objectName(object));
  const name = object.metadata?.name ?? fields.fail('metadata.name is required');
  const namespace = object.metadata?.namespace || 'default';
  const spec = object.spec ?? {};
  const own = checkSelector(fields.string(spec['selector'], 'spec.selector') ?? '', fields, 'spec.selector');
  let selector = own === '' ? `${NAMESPACE_LABEL} == '${namespace}'` : `(${own}) && ${NAMESPACE_LABEL} == '${namespace}'`;
  const accountSelector = fields.string(spec['serviceAccountSelector'], 'spec.serviceAccountSelector') ?? '';
  if (accountSelector !== '') selector = `(${selector}) && ${prefixSelector(accountSelector, SERVICE_ACCOUNT_PREFIX, fields, 'spec.serviceAccountSelector')}`;
  return [{ type: 'Policy', key: { kind: 'NetworkPolicy', namespace, name }, value: policyValue(spec, selector, namespace, fields, false) }];
}

export function convertTier(object: KubeObject): ModelRecord[] {
  const fields = new Fields('Tier', objectName(object));
  const name = object.metadata?.name ?? fields.fail('metadata.name is required');
  const spec = object.spec ?? {};
  const order = fields.number(spec['order'], 'spec.order') ?? DEFAULT_TIER_ORDER;
  const defaultAction = fields.string(spec['defaultAction'], 'spec.defaultAction') === 'Pass' ? 'Pass' : 'Deny';
  return [{ type: 'Tier', key: { name }, value: { order, defaultAction } }];
}

export function convertProfile(object: KubeObject): ModelRecord[] {
  const fields = new Fields('Profile', objectName(object));
  const name = object.metadata?.name ?? fields.fail('metadata.name is required');
  const spec = object.spec ?? {};
  const labelsToApply = fields.labels(spec['labelsToApply'], 'spec.labelsToApply');
  return [
    { type: 'ProfileRules', key: { name }, value: { inboundRules: convertCalicoRules(spec['ingress'], '', fields, 'spec.ingress'), outboundRules: convertCalicoRules(spec['egress'], '', fields, 'spec.egress') } },
    ...(Object.keys(labelsToApply).length === 0 ? [] : [{ type: 'ProfileLabels', key: { name }, value: { labelsToApply } }]),
  ];
}

export function convertHostEndpoint(object: KubeObject): ModelRecord[] {
  const fields = new Fields('HostEndpoint', objectName(object));
  const name = object.metadata?.name ?? fields.fail('metadata.name is required');
  const spec = object.spec ?? {};
  const node = fields.string(spec['node'], 'spec.node') || fields.fail('spec.node is required');
  const { v4, v6 } = splitNets(fields.strings(spec['expectedIPs'], 'spec.expectedIPs'), fields, 'spec.expectedIPs');
  return [{
    type: 'HostEndpoint',
    key: { hostname: node, endpointId: name },
    value: {
      name: fields.string(spec['interfaceName'], 'spec.interfaceName') ?? '',
      profileIds: fields.strings(spec['profiles'], 'spec.profiles'),
      expectedIpv4Addrs: v4,
      expectedIpv6Addrs: v6,
      labels: fields.labels(object.metadata?.labels, 'metadata.labels'),
      ports: endpointPorts(spec['ports'], fields, 'spec.ports'),
    },
  }];
}

export function convertWorkloadEndpoint(object: KubeObject): ModelRecord[] {
  const fields = new Fields('WorkloadEndpoint', objectName(object));
  const spec = object.spec ?? {};
  const namespace = object.metadata?.namespace || 'default';
  const orchestrator = fields.string(spec['orchestrator'], 'spec.orchestrator') || fields.fail('spec.orchestrator is required');
  const node = fields.string(spec['node'], 'spec.node') || fields.fail('spec.node is required');
  const pod = fields.string(spec['pod'], 'spec.pod') ?? '';
  const workload = orchestrator === 'k8s' ? `${namespace}/${pod || (fields.string(spec['workload'], 'spec.workload') ?? '')}` : (fields.string(spec['workload'], 'spec.workload') ?? '');
  const { v4, v6 } = splitNets(fields.strings(spec['ipNetworks'], 'spec.ipNetworks'), fields, 'spec.ipNetworks');
  if (v4.length === 0 && v6.length === 0) return []; // Felix drops endpoints without addresses
  const account = fields.string(spec['serviceAccountName'], 'spec.serviceAccountName') ?? '';
  const labels = Object.fromEntries(Object.entries(fields.labels(object.metadata?.labels, 'metadata.labels'))
    .filter(([key]) => !key.startsWith(NAMESPACE_PREFIX) && !key.startsWith(SERVICE_ACCOUNT_PREFIX)));
  Object.assign(labels, { [NAMESPACE_LABEL]: namespace, [ORCHESTRATOR_LABEL]: orchestrator, ...(account === '' ? {} : { [SERVICE_ACCOUNT_LABEL]: account }) });
  const mac = fields.string(spec['mac'], 'spec.mac');
  return [{
    type: 'WorkloadEndpoint',
    key: { hostname: node, orchestratorId: orchestrator, workloadId: workload, endpointId: fields.string(spec['endpoint'], 'spec.endpoint') || 'eth0' },
    value: {
      state: 'active',
      name: fields.string(spec['interfaceName'], 'spec.interfaceName') ?? '',
      ...(mac === undefined ? {} : { mac }),
      profileIds: fields.strings(spec['profiles'], 'spec.profiles'),
      ipv4Nets: v4,
      ipv6Nets: v6,
      labels,
      ports: endpointPorts(spec['ports'], fields, 'spec.ports'),
    },
  }];
}

export function convertNetworkSet(object: KubeObject, global: boolean): ModelRecord[] {
  const fields = new Fields(global ? 'GlobalNetworkSet' : 'NetworkSet', objectName(object));
  const name = object.metadata?.name ?? fields.fail('metadata.name is required');
  const namespace = object.metadata?.namespace || 'default';
  const { v4, v6 } = splitNets(fields.strings(object.spec?.['nets'], 'spec.nets'), fields, 'spec.nets');
  const labels = fields.labels(object.metadata?.labels, 'metadata.labels');
  if (global) return [{ type: 'NetworkSet', key: { name }, value: { nets: [...v4, ...v6], labels } }];
  return [{ type: 'NetworkSet', key: { name: `${namespace}/${name}` }, value: { nets: [...v4, ...v6], labels: { ...labels, [NAMESPACE_LABEL]: namespace }, profileIds: [`kns.${namespace}`] } }];
}

function configValue(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'object' && item !== null && 'port' in item)) {
    // Failsafe ports, as Felix's config parser reads them: protocol:port or protocol:net:port.
    return value.map((item: { protocol?: string; port: number; net?: string }) => [(item.protocol ?? 'tcp').toLowerCase(), ...(item.net === undefined ? [] : [item.net]), item.port].join(':')).join(',');
  }
  return JSON.stringify(value);
}

/** `default` → global config; `node.<name>` → that host's config; one record per field. */
export function convertFelixConfiguration(object: KubeObject): ModelRecord[] {
  const fields = new Fields('FelixConfiguration', objectName(object));
  const name = object.metadata?.name ?? fields.fail('metadata.name is required');
  const host = name.startsWith('node.') ? name.slice('node.'.length) : undefined;
  if (name !== 'default' && host === undefined) fields.fail('only the names "default" and "node.<node>" are supported (selector-scoped configurations are not)');
  return Object.entries(object.spec ?? {}).filter(([, value]) => value !== null && value !== undefined).map(([field, value]) => {
    const configName = `${field.charAt(0).toUpperCase()}${field.slice(1)}`;
    return host === undefined
      ? { type: 'GlobalConfig', key: { name: configName }, value: configValue(value) }
      : { type: 'HostConfig', key: { hostname: host, name: configName }, value: configValue(value) };
  });
}
