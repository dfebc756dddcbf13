/**
 * Kubernetes NetworkPolicy → a Calico policy of kind `KubernetesNetworkPolicy` (calico-model.md §3):
 * tier default, order 1000, the pod selector in the policy's namespace, one rule per (protocol ×
 * peer), ports merged per protocol, ipBlock as nets with `except` as not-nets, and `policyTypes`
 * defaulted as the API server does.
 */
import { parseCidr } from '../../../actors/calc/model/cidr.js';
import { Fields, objectName } from './resource.js';
import type { KubeObject, ModelRecord } from './resource.js';
import { NAMESPACE_LABEL, endpointSelector, namespaceSelectorTerms, podSelector } from './selectors.js';

export const K8S_POLICY_ORDER = 1000;

type PortSpec = number | string;
/** Protocol ('' for none) → its ports, or 'all' for every port of it. */
type PortsByProtocol = Map<string, PortSpec[] | 'all'>;

function collectPorts(raw: unknown, fields: Fields, path: string): PortsByProtocol {
  const entries = fields.array(raw, path);
  const byProtocol: PortsByProtocol = new Map();
  if (entries.length === 0) return new Map([['', 'all']]);
  entries.forEach((rawEntry, index) => {
    const where = `${path}[${index}]`;
    const entry = fields.object(rawEntry, where) ?? {};
    const protocol = fields.string(entry['protocol'], `${where}.protocol`) ?? 'TCP';
    const port = entry['port'];
    if (port === undefined || port === null) {
      byProtocol.set(protocol, 'all'); // a protocol without a port means all of its ports
      return;
    }
    if (typeof port !== 'number' && typeof port !== 'string') fields.fail(`${where}.port must be a number or a port name`);
    const endPort = fields.number(entry['endPort'], `${where}.endPort`);
    const current = byProtocol.get(protocol);
    if (current === 'all') return;
    const list = current ?? [];
    byProtocol.set(protocol, list);
    if (endPort !== undefined) {
      if (typeof port !== 'number') fields.fail(`${where}.endPort needs a numeric port`);
      list.push(`${port}:${endPort}`);
    } else {
      list.push(typeof port === 'string' && /^\d+$/.test(port) ? Number(port) : port);
    }
  });
  return byProtocol;
}

/** Named ports first as given, then numeric ports and ranges merged (80, 81, 82, 90 → "80:82", 90). */
export function simplifyPorts(ports: readonly PortSpec[]): PortSpec[] {
  const named = ports.filter((port) => typeof port === 'string' && !/^\d+(:\d+)?$/.test(port));
  const ranges = ports.filter((port) => !named.includes(port)).map((port) => {
    const [from, to = from] = String(port).split(':').map(Number) as [number, number?];
    return [from, to] as [number, number];
  }).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: [number, number][] = [];
  for (const [from, to] of ranges) {
    const last = merged.at(-1);
    if (last !== undefined && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return [...named, ...merged.map(([from, to]) => (from === to ? from : `${from}:${to}`))];
}

interface Peer { readonly nets?: string[]; readonly notNets?: string[]; readonly selector?: string }

function convertPeers(raw: unknown, namespace: string, fields: Fields, path: string): Peer[] {
  const peers = fields.array(raw, path);
  if (peers.length === 0) return [{}];
  return peers.map((rawPeer, index) => {
    const where = `${path}[${index}]`;
    const peer = fields.object(rawPeer, where) ?? {};
    const ipBlock = fields.object(peer['ipBlock'], `${where}.ipBlock`);
    if (ipBlock !== undefined) {
      const cidr = parseCidr(fields.string(ipBlock['cidr'], `${where}.ipBlock.cidr`) ?? '') ?? fields.fail(`${where}.ipBlock.cidr is not a CIDR`);
      const except = fields.strings(ipBlock['except'], `${where}.ipBlock.except`).map((text, e) => parseCidr(text)?.text ?? fields.fail(`${where}.ipBlock.except[${e}] is not a CIDR`));
      return except.length === 0 ? { nets: [cidr.text] } : { nets: [cidr.text], notNets: except };
    }
    const selector = endpointSelector({
      namespaceSelector: namespaceSelectorTerms(peer['namespaceSelector'], fields, `${where}.namespaceSelector`),
      selector: podSelector(peer['podSelector'], fields, `${where}.podSelector`),
      serviceAccountSelector: '',
      notSelector: '',
      namespace,
    }, fields, where);
    return { selector };
  });
}

function convertRules(raw: unknown, direction: 'ingress' | 'egress', namespace: string, fields: Fields): Record<string, unknown>[] {
  const rules: Record<string, unknown>[] = [];
  const side = direction === 'ingress' ? 'src' : 'dst';
  fields.array(raw, `spec.${direction}`).forEach((rawRule, index) => {
    const where = `spec.${direction}[${index}]`;
    const rule = fields.object(rawRule, where) ?? {};
    const ports = collectPorts(rule['ports'], fields, `${where}.ports`);
    const peers = convertPeers(rule[direction === 'ingress' ? 'from' : 'to'], namespace, fields, `${where}.${direction === 'ingress' ? 'from' : 'to'}`);
    for (const protocol of [...ports.keys()].sort()) {
      const portList = ports.get(protocol)!;
      for (const peer of peers) {
        rules.push({
          action: 'allow',
          ...(protocol === '' ? {} : { protocol: protocol.toLowerCase() }),
          ...(peer.nets === undefined ? {} : { [`${side}Nets`]: peer.nets }),
          ...(peer.notNets === undefined ? {} : { [`not${side === 'src' ? 'Src' : 'Dst'}Nets`]: peer.notNets }),
          ...(peer.selector === undefined || peer.selector === '' ? {} : { [`${side}Selector`]: peer.selector }),
          ...(portList === 'all' ? {} : { dstPorts: simplifyPorts(portList) }),
        });
      }
    }
  });
  return rules;
}

export function convertK8sNetworkPolicy(policy: KubeObject): ModelRecord[] {
  const fields = new Fields('NetworkPolicy', objectName(policy));
  const namespace = policy.metadata?.namespace ?? 'default';
  const name = policy.metadata?.name ?? fields.fail('metadata.name is required');
  const spec = policy.spec ?? {};
  const egress = fields.array(spec['egress'], 'spec.egress');
  // The API server's defaulting: Ingress always, Egress when there are egress rules.
  const declared = fields.strings(spec['policyTypes'], 'spec.policyTypes');
  for (const type of declared) if (type !== 'Ingress' && type !== 'Egress') fields.fail(`spec.policyTypes: ${JSON.stringify(type)} is neither Ingress nor Egress`);
  const types = declared.length > 0 ? declared : ['Ingress', ...(egress.length > 0 ? ['Egress'] : [])];
  return [{
    type: 'Policy',
    key: { kind: 'KubernetesNetworkPolicy', namespace, name },
    value: {
      tier: 'default',
      order: K8S_POLICY_ORDER,
      selector: `(${podSelector(spec['podSelector'], fields, 'spec.podSelector')}) && ${NAMESPACE_LABEL} == '${namespace}'`,
      types: types.map((type) => type.toLowerCase()),
      // Rules of a direction the types leave out are still converted (and their IP sets made), as Calico does.
      inboundRules: convertRules(spec['ingress'], 'ingress', namespace, fields),
      outboundRules: convertRules(spec['egress'], 'egress', namespace, fields),
    },
  }];
}
