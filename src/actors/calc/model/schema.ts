/**
 * The calc model's input records (design/model-kv.md) as zod schemas: what a valid record is. Beyond
 * shape, values are checked the way Felix's validator would reject them: selectors must parse, nets
 * must be CIDRs (normalised here), ports are numbers, `"from:to"` ranges or named ports, protocols
 * and actions are known. Everything a schema accepts, the calculators may rely on.
 */
import { z } from 'zod';
import { SelectorParseError, parseSelectorCached } from '../selector/selector.js';
import { parseCidr } from './cidr.js';

const nonEmpty = z.string().min(1, 'must be a non-empty string');

export const selectorText = z.string().superRefine((text, context) => {
  try {
    parseSelectorCached(text);
  } catch (error) {
    if (!(error instanceof SelectorParseError)) throw error;
    context.addIssue({ code: 'custom', message: error.message });
  }
});

export const cidrText = z.string().transform((text, context) => {
  const cidr = parseCidr(text);
  if (cidr === undefined) {
    context.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not an IP address or CIDR` });
    return z.NEVER;
  }
  return cidr.text;
});

/** Kubernetes port names (IANA service names): 1–15 of a-z, 0-9, '-', at least one letter. */
export const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;

/** A port: a number, a range `"from:to"`, or a named port resolved per endpoint. */
export const portSpec = z.union([z.number(), z.string()]).superRefine((port, context) => {
  const issue = (message: string) => context.addIssue({ code: 'custom', message });
  if (typeof port === 'number') {
    if (!Number.isInteger(port) || port < 0 || port > 65535) issue(`port ${port} is not an integer in 0–65535`);
    return;
  }
  if (/^\d{1,5}:\d{1,5}$/.test(port)) {
    const [from, to] = port.split(':').map(Number) as [number, number];
    if (!(from <= to && to <= 65535)) issue(`port range ${JSON.stringify(port)} needs 0 ≤ from ≤ to ≤ 65535`);
    return;
  }
  if (!PORT_NAME.test(port)) issue(`${JSON.stringify(port)} is neither a port range "from:to" nor a port name (1–15 lower-case letters, digits or "-")`);
});

export const protocol = z.union([
  z.enum(['tcp', 'udp', 'sctp', 'icmp', 'icmpv6', 'udplite', 'TCP', 'UDP', 'SCTP', 'ICMP', 'ICMPv6', 'UDPLite']),
  z.number().int().min(0).max(255),
]);

export const labels = z.record(z.string(), z.string());

export const rule = z.object({
  action: z.enum(['allow', 'deny', 'log', 'pass', 'Allow', 'Deny', 'Log', 'Pass']).optional(),
  ipVersion: z.union([z.literal(4), z.literal(6)]).optional(),
  protocol: protocol.optional(),
  notProtocol: protocol.optional(),
  srcNets: z.array(cidrText).optional(),
  notSrcNets: z.array(cidrText).optional(),
  dstNets: z.array(cidrText).optional(),
  notDstNets: z.array(cidrText).optional(),
  srcSelector: selectorText.optional(),
  notSrcSelector: selectorText.optional(),
  dstSelector: selectorText.optional(),
  notDstSelector: selectorText.optional(),
  srcPorts: z.array(portSpec).optional(),
  notSrcPorts: z.array(portSpec).optional(),
  dstPorts: z.array(portSpec).optional(),
  notDstPorts: z.array(portSpec).optional(),
  icmpType: z.number().int().min(0).max(255).optional(),
  icmpCode: z.number().int().min(0).max(255).optional(),
  notIcmpType: z.number().int().min(0).max(255).optional(),
  notIcmpCode: z.number().int().min(0).max(255).optional(),
}).superRefine((value, context) => {
  const named = [...(value.srcPorts ?? []), ...(value.dstPorts ?? []), ...(value.notSrcPorts ?? []), ...(value.notDstPorts ?? [])];
  const hasPorts = named.length > 0;
  const proto = typeof value.protocol === 'string' ? value.protocol.toLowerCase() : value.protocol;
  if (hasPorts && !(proto === 'tcp' || proto === 'udp' || proto === 'sctp' || proto === 'udplite' || proto === 6 || proto === 17 || proto === 132)) {
    context.addIssue({ code: 'custom', message: 'ports need protocol tcp, udp, sctp or udplite' });
  }
  const icmp = value.icmpType !== undefined || value.icmpCode !== undefined || value.notIcmpType !== undefined || value.notIcmpCode !== undefined;
  if (icmp && proto !== 'icmp' && proto !== 'icmpv6' && proto !== 1 && proto !== 58) {
    context.addIssue({ code: 'custom', message: 'icmpType/icmpCode need protocol icmp or icmpv6' });
  }
  if ((value.icmpCode !== undefined && value.icmpType === undefined) || (value.notIcmpCode !== undefined && value.notIcmpType === undefined)) {
    context.addIssue({ code: 'custom', message: 'an ICMP code needs an ICMP type' });
  }
});

/** The protocols an endpoint's named port may have. */
export const ENDPOINT_PORT_PROTOCOLS = ['tcp', 'udp', 'sctp', 'TCP', 'UDP', 'SCTP'] as const;

const endpointPort = z.object({ name: z.string().regex(PORT_NAME, 'a port name is 1–15 lower-case letters, digits or "-"'), protocol: z.enum(ENDPOINT_PORT_PROTOCOLS), port: z.number().int().min(0).max(65535) });

const order = z.number().finite().nullable().optional();

export const KEY_SCHEMAS = {
  GlobalConfig: z.object({ name: nonEmpty }),
  HostConfig: z.object({ hostname: nonEmpty, name: nonEmpty }),
  ReadyFlag: z.object({}),
  Tier: z.object({ name: nonEmpty }),
  Policy: z.object({ kind: nonEmpty, namespace: z.string(), name: nonEmpty }),
  ProfileRules: z.object({ name: nonEmpty }),
  ProfileLabels: z.object({ name: nonEmpty }),
  WorkloadEndpoint: z.object({ hostname: nonEmpty, orchestratorId: nonEmpty, workloadId: nonEmpty, endpointId: nonEmpty }),
  HostEndpoint: z.object({ hostname: nonEmpty, endpointId: nonEmpty }),
  NetworkSet: z.object({ name: nonEmpty }),
} as const;

export const VALUE_SCHEMAS = {
  GlobalConfig: z.string(),
  HostConfig: z.string(),
  ReadyFlag: z.boolean(),
  Tier: z.object({ order, defaultAction: z.enum(['Deny', 'Pass']).optional() }),
  Policy: z.object({
    tier: nonEmpty.default('default'),
    order,
    selector: selectorText,
    types: z.array(z.enum(['ingress', 'egress', 'Ingress', 'Egress'])).optional(),
    inboundRules: z.array(rule).default([]),
    outboundRules: z.array(rule).default([]),
    doNotTrack: z.boolean().optional(),
    preDNAT: z.boolean().optional(),
    applyOnForward: z.boolean().optional(),
    performanceHints: z.array(z.string()).optional(),
  }).superRefine((value, context) => {
    if (value.doNotTrack === true && value.preDNAT === true) context.addIssue({ code: 'custom', message: 'doNotTrack and preDNAT cannot both be set' });
    if ((value.doNotTrack === true || value.preDNAT === true) && value.applyOnForward !== true) {
      context.addIssue({ code: 'custom', message: 'doNotTrack and preDNAT policies need applyOnForward' });
    }
    if (value.preDNAT === true && value.outboundRules.length > 0) context.addIssue({ code: 'custom', message: 'preDNAT policies cannot have egress rules' });
  }),
  ProfileRules: z.object({ inboundRules: z.array(rule).default([]), outboundRules: z.array(rule).default([]) }),
  ProfileLabels: z.object({ labelsToApply: labels.default({}) }),
  WorkloadEndpoint: z.object({
    state: z.string().default('active'),
    name: nonEmpty,
    mac: z.string().optional(),
    profileIds: z.array(nonEmpty).default([]),
    ipv4Nets: z.array(cidrText).default([]),
    ipv6Nets: z.array(cidrText).default([]),
    labels: labels.default({}),
    ports: z.array(endpointPort).default([]),
  }),
  HostEndpoint: z.object({
    name: z.string().default(''),
    profileIds: z.array(nonEmpty).default([]),
    expectedIpv4Addrs: z.array(cidrText).default([]),
    expectedIpv6Addrs: z.array(cidrText).default([]),
    labels: labels.default({}),
    ports: z.array(endpointPort).default([]),
  }),
  NetworkSet: z.object({ nets: z.array(cidrText).default([]), labels: labels.default({}), profileIds: z.array(nonEmpty).optional() }),
} as const;

export type ModelType = keyof typeof KEY_SCHEMAS;
export const MODEL_TYPES = Object.keys(KEY_SCHEMAS) as ModelType[];
export type KeyOf<T extends ModelType> = z.output<(typeof KEY_SCHEMAS)[T]>;
export type ValueOf<T extends ModelType> = z.output<(typeof VALUE_SCHEMAS)[T]>;
export type Rule = z.output<typeof rule>;
export type PortSpec = z.output<typeof portSpec>;
