/**
 * Does a dataplane rule match a packet (calico-model.md §6.4)? All of a rule's fields must hold; the
 * values inside one field are alternatives; `not…` fields exclude when any value matches. Selectors
 * are matched through their IP sets, by address, as the dataplane does; named ports through their
 * IP_AND_PORT sets, ORed with numeric ports.
 */
import type { ProtoPortRange, ProtoProtocol, ProtoRule } from '../../../protocol/dataplane/messages.js';
import { cidrBits, parseCidr } from '../model/cidr.js';

export type PacketProtocol = 'tcp' | 'udp' | 'sctp' | 'icmp' | 'icmpv6' | 'udplite';

export interface Packet {
  readonly srcIp: string;
  readonly dstIp: string;
  readonly protocol: PacketProtocol;
  readonly dstPort?: number;
  readonly srcPort?: number;
}

/** IP set id → its members, as the dataplane holds them. */
export type IpSetLookup = (id: string) => ReadonlySet<string> | undefined;

export const PROTOCOL_NUMBERS: Record<PacketProtocol, number> = { tcp: 6, udp: 17, sctp: 132, icmp: 1, icmpv6: 58, udplite: 136 };

function protocolMatches(protocol: ProtoProtocol, packet: Packet): boolean {
  return 'number' in protocol ? protocol.number === PROTOCOL_NUMBERS[packet.protocol] : protocol.name.toLowerCase() === packet.protocol;
}

/** Whether `ip` (an address) lies in `net` (a CIDR). */
export function inNet(ip: string, net: string): boolean {
  const address = cidrBits(parseCidr(ip)?.text ?? '0.0.0.0/32');
  const network = cidrBits(net);
  if (address.version !== network.version) return false;
  const width = BigInt(network.version === 4 ? 32 : 128);
  const hostBits = width - BigInt(network.prefix);
  return address.value >> hostBits === network.value >> hostBits;
}

const inAnyNet = (ip: string, nets: readonly string[]): boolean => nets.some((net) => inNet(ip, net));
const inRanges = (port: number | undefined, ranges: readonly ProtoPortRange[]): boolean => port !== undefined && ranges.some((range) => port >= range.first && port <= range.last);

function inSet(ip: string, id: string, sets: IpSetLookup): boolean {
  const members = sets(id);
  if (members === undefined) return false;
  for (const member of members) if (!member.includes(',') && inNet(ip, member)) return true;
  return false;
}

function inNamedPortSet(ip: string, packet: Packet, port: number | undefined, id: string, sets: IpSetLookup): boolean {
  if (port === undefined) return false;
  const address = parseCidr(ip)?.text.split('/')[0];
  return sets(id)?.has(`${address},${packet.protocol}:${port}`) === true;
}

/** Ports: numeric ranges or named-port sets (either will do); none listed means any port. */
function portsMatch(ip: string, port: number | undefined, ranges: readonly ProtoPortRange[] | undefined, named: readonly string[] | undefined, packet: Packet, sets: IpSetLookup): boolean {
  if ((ranges?.length ?? 0) === 0 && (named?.length ?? 0) === 0) return true;
  return inRanges(port, ranges ?? []) || (named ?? []).some((id) => inNamedPortSet(ip, packet, port, id, sets));
}

function side(rule: ProtoRule, packet: Packet, sets: IpSetLookup, which: 'src' | 'dst'): boolean {
  const ip = which === 'src' ? packet.srcIp : packet.dstIp;
  const port = which === 'src' ? packet.srcPort : packet.dstPort;
  const [nets, notNets, ids, notIds, ranges, notRanges, named, notNamed] = which === 'src'
    ? [rule.srcNet, rule.notSrcNet, rule.srcIpSetIds, rule.notSrcIpSetIds, rule.srcPorts, rule.notSrcPorts, rule.srcNamedPortIpSetIds, rule.notSrcNamedPortIpSetIds]
    : [rule.dstNet, rule.notDstNet, rule.dstIpSetIds, rule.notDstIpSetIds, rule.dstPorts, rule.notDstPorts, rule.dstNamedPortIpSetIds, rule.notDstNamedPortIpSetIds];
  if (nets !== undefined && nets.length > 0 && !inAnyNet(ip, nets)) return false;
  if (notNets !== undefined && inAnyNet(ip, notNets)) return false;
  if (ids !== undefined && !ids.every((id) => inSet(ip, id, sets))) return false;
  if (notIds !== undefined && notIds.some((id) => inSet(ip, id, sets))) return false;
  if (!portsMatch(ip, port, ranges, named, packet, sets)) return false;
  if (notRanges !== undefined && inRanges(port, notRanges)) return false;
  if (notNamed !== undefined && notNamed.some((id) => inNamedPortSet(ip, packet, port, id, sets))) return false;
  return true;
}

export function ruleMatches(rule: ProtoRule, packet: Packet, sets: IpSetLookup): boolean {
  const v6 = packet.dstIp.includes(':');
  if (rule.ipVersion !== undefined && (rule.ipVersion === 'IPV6') !== v6) return false;
  if (rule.protocol !== undefined && !protocolMatches(rule.protocol, packet)) return false;
  if (rule.notProtocol !== undefined && protocolMatches(rule.notProtocol, packet)) return false;
  // ICMP type/code never match a TCP/UDP packet; for ICMP packets troupe traces no type, so they match any.
  if ((rule.icmpType !== undefined || rule.icmpTypeCode !== undefined) && packet.protocol !== 'icmp' && packet.protocol !== 'icmpv6') return false;
  return side(rule, packet, sets, 'src') && side(rule, packet, sets, 'dst');
}
