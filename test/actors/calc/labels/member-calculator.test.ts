import { describe, expect, it } from 'vitest';
import { MemberCalculator } from '../../../../src/actors/calc/labels/member-calculator.js';
import type { MemberSource } from '../../../../src/actors/calc/labels/member-calculator.js';
import { parseSelector } from '../../../../src/actors/calc/selector/selector.js';

function recording() {
  const events: string[] = [];
  const calculator = new MemberCalculator({
    onMemberAdded: (set, member) => events.push(`+${set} ${member}`),
    onMemberRemoved: (set, member) => events.push(`-${set} ${member}`),
  });
  return { calculator, events };
}

const endpoint = (labels: Record<string, string>, nets: string[], ports: MemberSource['ports'] = []): MemberSource => ({ labels, parents: [], nets, ports });

describe('MemberCalculator', () => {
  it('gives a selector set the CIDRs of the endpoints it matches', () => {
    const { calculator } = recording();
    calculator.updateSource('ep1', endpoint({ app: 'web' }, ['10.0.0.1/32', 'fd00::1/128']));
    calculator.updateSource('ep2', endpoint({ app: 'db' }, ['10.0.0.2/32']));
    calculator.addIpSet('web', { selector: parseSelector("app == 'web'") });
    expect(calculator.members('web').sort()).toEqual(['10.0.0.1/32', 'fd00::1/128']);
  });

  it('counts references: an IP shared by two endpoints stays until both are gone', () => {
    const { calculator, events } = recording();
    calculator.addIpSet('all', { selector: parseSelector('all()') });
    calculator.updateSource('a', endpoint({}, ['10.0.0.9/32']));
    calculator.updateSource('b', endpoint({}, ['10.0.0.9/32']));
    calculator.removeSource('a');
    expect(events).toEqual(['+all 10.0.0.9/32']);
    calculator.removeSource('b');
    expect(events).toEqual(['+all 10.0.0.9/32', '-all 10.0.0.9/32']);
  });

  it('does not flap a member that an endpoint update keeps', () => {
    const { calculator, events } = recording();
    calculator.addIpSet('web', { selector: parseSelector("app == 'web'") });
    calculator.updateSource('ep', endpoint({ app: 'web' }, ['10.0.0.1/32']));
    calculator.updateSource('ep', endpoint({ app: 'web', v: '2' }, ['10.0.0.1/32', '10.0.0.5/32']));
    calculator.updateSource('ep', endpoint({ app: 'web' }, ['10.0.0.5/32']));
    expect(events).toEqual(['+web 10.0.0.1/32', '+web 10.0.0.5/32', '-web 10.0.0.1/32']);
  });

  it('builds named-port members ip,proto:port from matching ports, taking the port’s protocol', () => {
    const { calculator } = recording();
    const ports = [{ name: 'http', protocol: 'TCP', port: 8080 }, { name: 'http', protocol: 'UDP', port: 8081 }, { name: 'dns', protocol: 'UDP', port: 53 }];
    calculator.updateSource('ep', endpoint({ app: 'web' }, ['10.0.0.1/32'], ports));
    const selector = parseSelector("app == 'web'");
    calculator.addIpSet('n-tcp', { selector, namedPort: { protocol: 'tcp', name: 'http' } });
    calculator.addIpSet('n-any', { selector, namedPort: { protocol: 'any', name: 'http' } });
    calculator.addIpSet('n-sctp', { selector, namedPort: { protocol: 'sctp', name: 'http' } });
    expect(calculator.members('n-tcp')).toEqual(['10.0.0.1,tcp:8080']);
    expect(calculator.members('n-any').sort()).toEqual(['10.0.0.1,tcp:8080', '10.0.0.1,udp:8081']);
    expect(calculator.members('n-sctp')).toEqual([]);
  });

  it('splits a network set’s default route into two halves', () => {
    const { calculator } = recording();
    calculator.updateSource('ns', { labels: { kind: 'internet' }, parents: [], nets: ['0.0.0.0/0', '::/0'], ports: [], isNetworkSet: true });
    calculator.addIpSet('inet', { selector: parseSelector("kind == 'internet'") });
    expect(calculator.members('inet').sort()).toEqual(['0.0.0.0/1', '128.0.0.0/1', '8000::/1', '::/1']);
  });

  it('withdraws every member when a set goes inactive, and follows profile label changes', () => {
    const { calculator, events } = recording();
    calculator.updateParentLabels('kns.prod', { env: 'prod' });
    calculator.updateSource('ep', { labels: {}, parents: ['kns.prod'], nets: ['10.0.0.1/32'], ports: [] });
    calculator.addIpSet('prod', { selector: parseSelector("env == 'prod'") });
    calculator.updateParentLabels('kns.prod', { env: 'dev' });
    calculator.updateParentLabels('kns.prod', { env: 'prod' });
    calculator.removeIpSet('prod');
    expect(events).toEqual(['+prod 10.0.0.1/32', '-prod 10.0.0.1/32', '+prod 10.0.0.1/32', '-prod 10.0.0.1/32']);
  });
});
