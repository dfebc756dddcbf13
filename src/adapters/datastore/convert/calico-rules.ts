/**
 * Calico v3 rules → model rules (Calico's `RuleAPIV3ToBackend`, calico-model.md §4.1, §4.3): actions
 * lower-cased (Pass stays `pass`, which the rule scanner sends as `next-tier`), entity rules split into
 * nets, ports and one endpoint selector that folds in the namespace and service accounts.
 */
import { parseCidr } from '../../../actors/calc/model/cidr.js';
import type { Fields } from './resource.js';
import { SERVICE_ACCOUNT_LABEL, SERVICE_ACCOUNT_PREFIX, checkSelector, endpointSelector, prefixSelector } from './selectors.js';

const ACTIONS: Record<string, string> = { Allow: 'allow', Deny: 'deny', Log: 'log', Pass: 'pass' };

function nets(raw: unknown, fields: Fields, path: string): string[] {
  return fields.strings(raw, path).map((text, index) => parseCidr(text)?.text ?? fields.fail(`${path}[${index}]: ${JSON.stringify(text)} is not an IP address or CIDR`));
}

function ports(raw: unknown, fields: Fields, path: string): (number | string)[] {
  return fields.array(raw, path).map((port, index) => {
    if (typeof port !== 'number' && typeof port !== 'string') fields.fail(`${path}[${index}] must be a port number, a "from:to" range or a port name`);
    return port;
  });
}

function serviceAccountSelector(raw: unknown, fields: Fields, path: string): string {
  const accounts = fields.object(raw, path);
  if (accounts === undefined) return '';
  const selector = fields.string(accounts['selector'], `${path}.selector`) ?? '';
  const names = fields.strings(accounts['names'], `${path}.names`);
  const selectorPart = selector === '' ? '' : prefixSelector(selector, SERVICE_ACCOUNT_PREFIX, fields, `${path}.selector`);
  const namesPart = names.length === 0 ? '' : prefixSelector(`${SERVICE_ACCOUNT_LABEL} in {${names.map((name) => JSON.stringify(name)).join(', ')}}`, '', fields, `${path}.names`);
  if (selectorPart !== '' && namesPart !== '') return `(${selectorPart}) && (${namesPart})`;
  return selectorPart || namesPart;
}

/** One side of a rule: `src` from `source`, `dst` from `destination`. */
function entity(raw: unknown, side: 'src' | 'dst', namespace: string, fields: Fields, path: string): Record<string, unknown> {
  const rule = fields.object(raw, path);
  if (rule === undefined) return {};
  if (rule['services'] !== undefined) fields.fail(`${path}.services is not supported: matching a Service needs its EndpointSlices, which troupe does not read`);
  const Side = side === 'src' ? 'Src' : 'Dst';
  const selector = checkSelector(fields.string(rule['selector'], `${path}.selector`) ?? '', fields, `${path}.selector`);
  const notSelector = checkSelector(fields.string(rule['notSelector'], `${path}.notSelector`) ?? '', fields, `${path}.notSelector`);
  const combined = endpointSelector({
    namespaceSelector: fields.string(rule['namespaceSelector'], `${path}.namespaceSelector`) ?? '',
    selector,
    serviceAccountSelector: serviceAccountSelector(rule['serviceAccounts'], fields, `${path}.serviceAccounts`),
    notSelector,
    namespace,
  }, fields, path);
  const out: Record<string, unknown> = {};
  const put = (name: string, value: unknown[] | string) => { if (value.length > 0) out[name] = value; };
  put(`${side}Nets`, nets(rule['nets'], fields, `${path}.nets`));
  put(`not${Side}Nets`, nets(rule['notNets'], fields, `${path}.notNets`));
  put(`${side}Selector`, combined);
  put(`not${Side}Selector`, notSelector);
  put(`${side}Ports`, ports(rule['ports'], fields, `${path}.ports`));
  put(`not${Side}Ports`, ports(rule['notPorts'], fields, `${path}.notPorts`));
  return out;
}

function icmp(raw: unknown, prefix: '' | 'not', fields: Fields, path: string): Record<string, unknown> {
  const fieldsOf = fields.object(raw, path);
  if (fieldsOf === undefined) return {};
  const type = fields.number(fieldsOf['type'], `${path}.type`);
  const code = fields.number(fieldsOf['code'], `${path}.code`);
  const name = (field: string) => (prefix === '' ? `icmp${field}` : `notIcmp${field}`);
  return { ...(type === undefined ? {} : { [name('Type')]: type }), ...(code === undefined ? {} : { [name('Code')]: code }) };
}

function protocol(raw: unknown, fields: Fields, path: string): string | number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') fields.fail(`${path} must be a protocol name or number`);
  return /^\d+$/.test(raw) ? Number(raw) : raw.toLowerCase();
}

/** A v3 rule as a model rule; `namespace` is the policy's ('' for global policies and profiles). */
export function convertCalicoRule(raw: unknown, namespace: string, fields: Fields, path: string): Record<string, unknown> {
  const rule = fields.object(raw, path) ?? {};
  const actionText = fields.string(rule['action'], `${path}.action`) ?? fields.fail(`${path}.action is required`);
  const action = ACTIONS[actionText] ?? fields.fail(`${path}.action: ${JSON.stringify(actionText)} is not one of Allow, Deny, Log, Pass`);
  const ruleProtocol = protocol(rule['protocol'], fields, `${path}.protocol`);
  const notProtocol = protocol(rule['notProtocol'], fields, `${path}.notProtocol`);
  const ipVersion = fields.number(rule['ipVersion'], `${path}.ipVersion`);
  // `http` matches are enforced only by an L7 proxy; for L3/L4 the rule matches as if they were absent.
  return {
    action,
    ...(ipVersion === undefined ? {} : { ipVersion }),
    ...(ruleProtocol === undefined ? {} : { protocol: ruleProtocol }),
    ...(notProtocol === undefined ? {} : { notProtocol }),
    ...icmp(rule['icmp'], '', fields, `${path}.icmp`),
    ...icmp(rule['notICMP'], 'not', fields, `${path}.notICMP`),
    ...entity(rule['source'], 'src', namespace, fields, `${path}.source`),
    ...entity(rule['destination'], 'dst', namespace, fields, `${path}.destination`),
  };
}

export function convertCalicoRules(raw: unknown, namespace: string, fields: Fields, path: string): Record<string, unknown>[] {
  return fields.array(raw, path).map((rule, index) => convertCalicoRule(rule, namespace, fields, `${path}[${index}]`));
}
