/**
 * Kubernetes Pods, Namespaces and ServiceAccounts → model records, as Calico's KDD backend and Felix
 * syncer do (calico-model.md §1, §2). A pod becomes a WorkloadEndpoint only when it is scheduled, not
 * host-networked, not finished, and has an IP.
 */
import { createHash } from 'node:crypto';
import { parseCidr } from '../../../actors/calc/model/cidr.js';
import { Fields, objectName } from './resource.js';
import type { KubeObject, ModelRecord } from './resource.js';
import { NAMESPACE_LABEL, NAMESPACE_PREFIX, ORCHESTRATOR_LABEL, SERVICE_ACCOUNT_LABEL, SERVICE_ACCOUNT_PREFIX } from './selectors.js';

const FINISHED = new Set(['Failed', 'Succeeded', 'Completed']);
const PORT_PROTOCOLS: Record<string, string> = { TCP: 'tcp', '': 'tcp', UDP: 'udp', SCTP: 'sctp' };

/** Felix's interface name for a pod: `cali` + 11 hex characters of SHA-1 of `<namespace>.<pod>`. */
export function podInterfaceName(namespace: string, pod: string): string {
  return `cali${createHash('sha1').update(`${namespace}.${pod}`).digest('hex').slice(0, 11)}`;
}

function podIps(pod: KubeObject, fields: Fields): string[] {
  const status = pod.status ?? {};
  const annotations = pod.metadata?.annotations ?? {};
  const fromStatus = fields.array(status['podIPs'], 'status.podIPs').map((entry, index) => fields.string((fields.object(entry, `status.podIPs[${index}]`) ?? {})['ip'], `status.podIPs[${index}].ip`) ?? '');
  const split = (value: string | undefined) => (value ?? '').split(',').map((ip) => ip.trim()).filter((ip) => ip !== '');
  const sources = [fromStatus.filter((ip) => ip !== ''), split(fields.string(status['podIP'], 'status.podIP')), split(annotations['cni.projectcalico.org/podIPs']), split(annotations['cni.projectcalico.org/podIP']), split(annotations['vpc.amazonaws.com/pod-ips'])];
  return sources.find((ips) => ips.length > 0) ?? [];
}

function isFinished(pod: KubeObject): boolean {
  if (FINISHED.has(String(pod.status?.['phase'] ?? ''))) return true;
  const annotations = pod.metadata?.annotations ?? {};
  return pod.metadata?.deletionTimestamp !== undefined && (annotations['cni.projectcalico.org/podIP'] === '' || annotations['vpc.amazonaws.com/pod-ips'] === '');
}

function namedPorts(spec: Record<string, unknown>, fields: Fields): { name: string; protocol: string; port: number }[] {
  const ports: { name: string; protocol: string; port: number }[] = [];
  for (const list of ['containers', 'initContainers']) {
    fields.array(spec[list], `spec.${list}`).forEach((rawContainer, c) => {
      const container = fields.object(rawContainer, `spec.${list}[${c}]`) ?? {};
      fields.array(container['ports'], `spec.${list}[${c}].ports`).forEach((rawPort, p) => {
        const where = `spec.${list}[${c}].ports[${p}]`;
        const port = fields.object(rawPort, where) ?? {};
        const number = fields.number(port['containerPort'], `${where}.containerPort`) ?? 0;
        const name = fields.string(port['name'], `${where}.name`);
        const protocol = PORT_PROTOCOLS[fields.string(port['protocol'], `${where}.protocol`) ?? ''];
        // Felix keeps only named ports: they exist for named-port matching.
        if (number !== 0 && name !== undefined && name !== '' && protocol !== undefined) ports.push({ name, protocol, port: number });
      });
    });
  }
  return ports;
}

export function convertPod(pod: KubeObject): ModelRecord[] {
  const fields = new Fields('Pod', objectName(pod));
  const spec = pod.spec ?? {};
  const namespace = pod.metadata?.namespace ?? 'default';
  const name = pod.metadata?.name ?? fields.fail('metadata.name is required');
  const node = fields.string(spec['nodeName'], 'spec.nodeName') ?? '';
  if (spec['hostNetwork'] === true || node === '' || isFinished(pod)) return [];
  const ipv4Nets: string[] = [];
  const ipv6Nets: string[] = [];
  for (const ip of podIps(pod, fields)) {
    const cidr = parseCidr(ip) ?? fields.fail(`pod IP ${JSON.stringify(ip)} is not an IP address`);
    (cidr.version === 4 ? ipv4Nets : ipv6Nets).push(cidr.text);
  }
  if (ipv4Nets.length === 0 && ipv6Nets.length === 0) return [];
  // The API server fills in the service account; offline YAML may not.
  const serviceAccount = fields.string(spec['serviceAccountName'], 'spec.serviceAccountName') ?? fields.string(spec['serviceAccount'], 'spec.serviceAccount') ?? 'default';
  const labels = Object.fromEntries(Object.entries(fields.labels(pod.metadata?.labels, 'metadata.labels'))
    .filter(([key]) => !key.startsWith(NAMESPACE_PREFIX) && !key.startsWith(SERVICE_ACCOUNT_PREFIX)));
  Object.assign(labels, { [NAMESPACE_LABEL]: namespace, [ORCHESTRATOR_LABEL]: 'k8s', ...(serviceAccount === '' ? {} : { [SERVICE_ACCOUNT_LABEL]: serviceAccount }) });
  return [{
    type: 'WorkloadEndpoint',
    key: { hostname: node, orchestratorId: 'k8s', workloadId: `${namespace}/${name}`, endpointId: 'eth0' },
    value: {
      state: 'active',
      name: podInterfaceName(namespace, name),
      profileIds: [`kns.${namespace}`, ...(serviceAccount === '' ? [] : [`ksa.${namespace}.${serviceAccount}`])],
      ipv4Nets,
      ipv6Nets,
      labels,
      ports: namedPorts(spec, fields),
    },
  }];
}

const ALLOW_ALL = { inboundRules: [{ action: 'allow' }], outboundRules: [{ action: 'allow' }] };

export function convertNamespace(namespace: KubeObject): ModelRecord[] {
  const fields = new Fields('Namespace', objectName(namespace));
  const name = namespace.metadata?.name ?? fields.fail('metadata.name is required');
  // Since Kubernetes 1.21 the API server labels every namespace with its name; offline YAML may not.
  const own = { 'kubernetes.io/metadata.name': name, ...fields.labels(namespace.metadata?.labels, 'metadata.labels') };
  const labelsToApply = Object.fromEntries([...Object.entries(own).map(([key, value]) => [`${NAMESPACE_PREFIX}${key}`, value]), [`${NAMESPACE_PREFIX}projectcalico.org/name`, name]]);
  return [
    { type: 'ProfileRules', key: { name: `kns.${name}` }, value: ALLOW_ALL },
    { type: 'ProfileLabels', key: { name: `kns.${name}` }, value: { labelsToApply } },
  ];
}

export function serviceAccountProfile(namespace: string, name: string, labels: Record<string, string>): ModelRecord[] {
  const labelsToApply = Object.fromEntries([...Object.entries(labels).map(([key, value]) => [`${SERVICE_ACCOUNT_PREFIX}${key}`, value]), [`${SERVICE_ACCOUNT_PREFIX}projectcalico.org/name`, name]]);
  return [
    { type: 'ProfileRules', key: { name: `ksa.${namespace}.${name}` }, value: { inboundRules: [], outboundRules: [] } },
    { type: 'ProfileLabels', key: { name: `ksa.${namespace}.${name}` }, value: { labelsToApply } },
  ];
}

export function convertServiceAccount(account: KubeObject): ModelRecord[] {
  const fields = new Fields('ServiceAccount', objectName(account));
  const name = account.metadata?.name ?? fields.fail('metadata.name is required');
  return serviceAccountProfile(account.metadata?.namespace ?? 'default', name, fields.labels(account.metadata?.labels, 'metadata.labels'));
}
