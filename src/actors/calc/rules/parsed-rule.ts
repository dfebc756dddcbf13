/**
 * One model rule → the rule the dataplane gets (Felix's `ruleToParsedRule` + `parsedRuleToProtoRule`):
 * selectors and named ports become IP set IDs, numeric ports become port ranges.
 *
 *   1. A negated selector is folded into a positive one of the same direction, as
 *      `(<pos>) && (!(<neg>))`, so no separate not-set is made; alone, it yields a `not_*_ip_set_ids` set.
 *   2. Each named port becomes an IP_AND_PORT set filtered by the direction's positive selector (or
 *      `all()`); negated named ports use the positive selector too.
 *   3. A plain selector set is made only when the direction has numeric ports or no named ports.
 */
import type { ProtoPortRange, ProtoProtocol, ProtoRule } from '../../../protocol/dataplane/messages.js';
import type { PortSpec, Rule } from '../model/schema.js';
import { namedPortIpSetId, parseSelectorCached } from '../selector/selector.js';
import type { Selector } from '../selector/selector.js';

export type NamedPortProtocol = 'tcp' | 'udp' | 'sctp';

/** An IP set a rule needs: a selector's matches, optionally narrowed to one named port. */
export interface IpSetData {
  readonly id: string;
  readonly selector: Selector;
  readonly namedPort?: { readonly protocol: NamedPortProtocol; readonly name: string };
}

export interface ParsedRule {
  readonly rule: ProtoRule;
  readonly ipSets: readonly IpSetData[];
}

function combineMatches(positive: string | undefined, negated: string | undefined): [string | undefined, string | undefined] {
  if (positive === undefined || negated === undefined) return [positive, negated];
  return [`(${positive}) && (!(${negated}))`, undefined];
}

function splitPorts(ports: readonly PortSpec[] | undefined): { numeric: ProtoPortRange[]; named: string[] } {
  const numeric: ProtoPortRange[] = [];
  const named: string[] = [];
  for (const port of ports ?? []) {
    if (typeof port === 'number') numeric.push({ first: port, last: port });
    else if (/^\d+:\d+$/.test(port)) {
      const [first, last] = port.split(':').map(Number) as [number, number];
      numeric.push({ first, last });
    } else named.push(port);
  }
  return { numeric, named };
}

function protoProtocol(protocol: Rule['protocol']): ProtoProtocol | undefined {
  if (protocol === undefined) return undefined;
  return typeof protocol === 'number' ? { number: protocol } : { name: protocol.toLowerCase() };
}

function namedPortProtocol(protocol: Rule['protocol']): NamedPortProtocol {
  const name = typeof protocol === 'string' ? protocol.toLowerCase() : protocol;
  if (name === 'udp' || name === 17) return 'udp';
  if (name === 'sctp' || name === 132) return 'sctp';
  return 'tcp';
}

function ipVersion(rule: Rule): ProtoRule['ipVersion'] {
  if (rule.ipVersion === 4) return 'IPV4';
  if (rule.ipVersion === 6) return 'IPV6';
  const protocol = typeof rule.protocol === 'string' ? rule.protocol.toLowerCase() : undefined;
  if (protocol === 'icmp') return 'IPV4';
  if (protocol === 'icmpv6') return 'IPV6';
  return undefined;
}

/** Felix's v1 action names: lower case, and Pass is `next-tier`. */
function action(rule: Rule): string {
  const lower = (rule.action ?? 'allow').toLowerCase();
  return lower === 'pass' ? 'next-tier' : lower;
}

function selectorSet(text: string | undefined): IpSetData[] {
  if (text === undefined) return [];
  const selector = parseSelectorCached(text);
  return [{ id: selector.uniqueId, selector }];
}

function namedPortSets(names: readonly string[], positive: string | undefined, protocol: NamedPortProtocol): IpSetData[] {
  const selector = parseSelectorCached(positive ?? 'all()');
  return names.map((name) => ({ id: namedPortIpSetId(selector.uniqueId, protocol, name), selector, namedPort: { protocol, name } }));
}

const ids = (sets: readonly IpSetData[]): string[] | undefined => (sets.length === 0 ? undefined : sets.map((set) => set.id));
const nonEmpty = <T>(list: readonly T[] | undefined): T[] | undefined => (list === undefined || list.length === 0 ? undefined : [...list]);

/** Converts one rule; the caller assigns `ruleId`. Fields that would be empty are left out, as proto3 would. */
export function parseRule(rule: Rule): ParsedRule {
  const [srcSel, notSrcSel] = combineMatches(rule.srcSelector, rule.notSrcSelector);
  const [dstSel, notDstSel] = combineMatches(rule.dstSelector, rule.notDstSelector);
  const src = splitPorts(rule.srcPorts);
  const dst = splitPorts(rule.dstPorts);
  const notSrc = splitPorts(rule.notSrcPorts);
  const notDst = splitPorts(rule.notDstPorts);
  const protocol = namedPortProtocol(rule.protocol);

  const srcNamed = namedPortSets(src.named, srcSel, protocol);
  const dstNamed = namedPortSets(dst.named, dstSel, protocol);
  const notSrcNamed = namedPortSets(notSrc.named, srcSel, protocol);
  const notDstNamed = namedPortSets(notDst.named, dstSel, protocol);
  const srcSets = src.numeric.length > 0 || src.named.length === 0 ? selectorSet(srcSel) : [];
  const dstSets = dst.numeric.length > 0 || dst.named.length === 0 ? selectorSet(dstSel) : [];
  const notSrcSets = selectorSet(notSrcSel);
  const notDstSets = selectorSet(notDstSel);

  const out: ProtoRule = { action: action(rule) };
  const assign = <K extends keyof ProtoRule>(key: K, value: ProtoRule[K] | undefined): void => {
    if (value !== undefined) out[key] = value;
  };
  assign('ipVersion', ipVersion(rule));
  assign('protocol', protoProtocol(rule.protocol));
  assign('srcNet', nonEmpty(rule.srcNets));
  assign('srcPorts', nonEmpty(src.numeric));
  assign('dstNet', nonEmpty(rule.dstNets));
  assign('dstPorts', nonEmpty(dst.numeric));
  if (rule.icmpType !== undefined) {
    if (rule.icmpCode !== undefined) out.icmpTypeCode = { type: rule.icmpType, code: rule.icmpCode };
    else out.icmpType = rule.icmpType;
  }
  assign('srcIpSetIds', ids(srcSets));
  assign('dstIpSetIds', ids(dstSets));
  assign('srcNamedPortIpSetIds', ids(srcNamed));
  assign('dstNamedPortIpSetIds', ids(dstNamed));
  assign('notProtocol', protoProtocol(rule.notProtocol));
  assign('notSrcNet', nonEmpty(rule.notSrcNets));
  assign('notSrcPorts', nonEmpty(notSrc.numeric));
  assign('notDstNet', nonEmpty(rule.notDstNets));
  assign('notDstPorts', nonEmpty(notDst.numeric));
  if (rule.notIcmpType !== undefined) {
    if (rule.notIcmpCode !== undefined) out.notIcmpTypeCode = { type: rule.notIcmpType, code: rule.notIcmpCode };
    else out.notIcmpType = rule.notIcmpType;
  }
  assign('notSrcIpSetIds', ids(notSrcSets));
  assign('notDstIpSetIds', ids(notDstSets));
  assign('notSrcNamedPortIpSetIds', ids(notSrcNamed));
  assign('notDstNamedPortIpSetIds', ids(notDstNamed));
  return { rule: out, ipSets: [...srcNamed, ...dstNamed, ...notSrcNamed, ...notDstNamed, ...srcSets, ...dstSets, ...notSrcSets, ...notDstSets] };
}
