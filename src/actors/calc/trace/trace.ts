/**
 * `troupe trace`: would the dataplane let this flow through? Both ends are looked up among the
 * endpoints the calc graph sent (every endpoint counted as local: a cluster view); the source's
 * egress policy and the destination's ingress policy are evaluated (verdict.ts); the flow is allowed
 * when every Calico end allows it. An end that is not a Calico endpoint (an outside address) has no
 * policy of its own.
 */
import type { DataplaneState, EndpointState } from '../output/dataplane-state.js';
import type { PacketProtocol } from './rule-match.js';
import { PROTOCOL_NUMBERS } from './rule-match.js';
import { evaluateDirection } from './verdict.js';
import type { DirectionVerdict } from './verdict.js';

export interface TraceQuery {
  /** `namespace/pod` or an IP address. */
  readonly from: string;
  readonly to: string;
  readonly port?: number;
  readonly protocol?: string;
}

export interface TraceResult {
  readonly from: string;
  readonly to: string;
  readonly srcIp: string;
  readonly dstIp: string;
  readonly protocol: PacketProtocol;
  readonly port?: number;
  readonly verdict: 'allow' | 'deny';
  readonly egress?: DirectionVerdict;
  readonly ingress?: DirectionVerdict;
}

export class TraceError extends Error {
  readonly code = 'TRACE_ERR_QUERY';
}

interface End { readonly id?: string; readonly state?: EndpointState; readonly ips: readonly string[] }

function endpointIps(state: EndpointState): string[] {
  const update = state.update;
  const nets = 'workloadEndpointUpdate' in update
    ? [...update.workloadEndpointUpdate.endpoint.ipv4Nets, ...update.workloadEndpointUpdate.endpoint.ipv6Nets]
    : [...update.hostEndpointUpdate.endpoint.expectedIpv4Addrs, ...update.hostEndpointUpdate.endpoint.expectedIpv6Addrs];
  return nets.map((net) => net.split('/')[0]!);
}

function resolve(state: DataplaneState, text: string): End {
  if (/^[\d.]+$|:/.test(text)) {
    for (const [id, endpoint] of state.endpoints) if (endpointIps(endpoint).includes(text)) return { id, state: endpoint, ips: [text] };
    return { ips: [text] };
  }
  const [namespace, pod, extra] = text.split('/');
  if (namespace === undefined || pod === undefined || extra !== undefined || namespace === '' || pod === '') throw new TraceError(`${JSON.stringify(text)} is neither namespace/pod nor an IP address`);
  const id = `k8s/${namespace}/${pod}/eth0`;
  const endpoint = state.endpoints.get(id);
  if (endpoint === undefined) throw new TraceError(`no endpoint for pod ${text} (is it scheduled, with an IP?)`);
  return { id, state: endpoint, ips: endpointIps(endpoint) };
}

function protocolOf(text: string | undefined): PacketProtocol {
  const protocol = (text ?? 'TCP').toLowerCase();
  if (!(protocol in PROTOCOL_NUMBERS)) throw new TraceError(`unknown protocol ${JSON.stringify(text)}; expected TCP, UDP, SCTP, ICMP, ICMPv6 or UDPLite`);
  return protocol as PacketProtocol;
}

export function trace(state: DataplaneState, query: TraceQuery): TraceResult {
  const protocol = protocolOf(query.protocol);
  if ((protocol === 'tcp' || protocol === 'udp' || protocol === 'sctp') && query.port === undefined) throw new TraceError(`${protocol.toUpperCase()} needs a port`);
  const source = resolve(state, query.from);
  const destination = resolve(state, query.to);
  const dstIp = destination.ips.find((ip) => !ip.includes(':')) ?? destination.ips[0];
  if (dstIp === undefined) throw new TraceError(`${query.to} has no address`);
  const srcIp = source.ips.find((ip) => ip.includes(':') === dstIp.includes(':'));
  if (srcIp === undefined) throw new TraceError(`${query.from} has no address of the same family as ${dstIp}`);
  const packet = { srcIp, dstIp, protocol, ...(query.port === undefined ? {} : { dstPort: query.port }) };
  const egress = source.state === undefined ? undefined : evaluateDirection(state, source.id!, source.state, 'egress', packet);
  const ingress = destination.state === undefined ? undefined : evaluateDirection(state, destination.id!, destination.state, 'ingress', packet);
  const verdict = egress?.verdict === 'deny' || ingress?.verdict === 'deny' ? 'deny' : 'allow';
  return { from: query.from, to: query.to, srcIp, dstIp, protocol, ...(query.port === undefined ? {} : { port: query.port }), verdict, ...(egress === undefined ? {} : { egress }), ...(ingress === undefined ? {} : { ingress }) };
}
