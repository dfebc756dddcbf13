import { describe, expect, it } from 'vitest';
import { FileDatastore } from '../../../../src/adapters/datastore/file-datastore.js';
import { MemoryFileSystem } from '../../../../src/adapters/datastore/file-system.js';
import { clusterView } from '../../../../src/actors/calc/trace/cluster-view.js';
import { trace } from '../../../../src/actors/calc/trace/trace.js';
import { SimulatedClock } from '../../../../src/runtime/clock.js';

const cluster = `
apiVersion: v1
kind: Namespace
metadata: {name: a}
---
apiVersion: v1
kind: Namespace
metadata: {name: b, labels: {team: x}}
---
apiVersion: v1
kind: Namespace
metadata: {name: c, labels: {team: y}}
---
{apiVersion: v1, kind: Pod, metadata: {name: a1, namespace: a, labels: {app: web}}, spec: {nodeName: n1, containers: [{name: m, ports: [{name: http, containerPort: 8080}]}]}, status: {podIP: 10.0.0.1}}
---
{apiVersion: v1, kind: Pod, metadata: {name: a2, namespace: a, labels: {app: db}}, spec: {nodeName: n2}, status: {podIP: 10.0.0.2}}
---
{apiVersion: v1, kind: Pod, metadata: {name: b1, namespace: b, labels: {app: web}}, spec: {nodeName: n1}, status: {podIP: 10.0.1.1}}
---
{apiVersion: v1, kind: Pod, metadata: {name: c1, namespace: c, labels: {app: web}}, spec: {nodeName: n2}, status: {podIP: 10.0.2.1}}
`;

async function view(policy: string) {
  const fs = new MemoryFileSystem();
  fs.files.set('/c/cluster.yaml', `${cluster}---\n${policy}`);
  const records: unknown[] = [];
  const problems: string[] = [];
  await new FileDatastore('/c', { fs, clock: new SimulatedClock() }).start({ onUpdates: (updates) => records.push(...updates), onStatus: () => undefined, onProblem: (problem) => problems.push(problem) });
  expect(problems).toEqual([]);
  return clusterView(records);
}

const np = (spec: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: a}\nspec: ${spec}\n`;

/** Each row: from, to, port (TCP unless a protocol follows), and the expected verdict. */
type Row = [string, string, number, 'allow' | 'deny', string?];

async function expectMatrix(policy: string, rows: readonly Row[]): Promise<void> {
  const state = await view(policy);
  const actual = rows.map(([from, to, port, , protocol]) => [from, to, port, trace(state, { from, to, port, ...(protocol === undefined ? {} : { protocol }) }).verdict, ...(protocol === undefined ? [] : [protocol])]);
  expect(actual).toEqual(rows);
}

describe('reachability as the dataplane would decide it', () => {
  it('without policies everything is allowed (the namespace profiles allow)', async () => {
    await expectMatrix('', [['a/a1', 'b/b1', 80, 'allow'], ['203.0.113.5', 'a/a1', 80, 'allow']]);
  });

  it('deny-all ingress in a namespace', async () => {
    await expectMatrix(np('{podSelector: {}, policyTypes: [Ingress]}'), [
      ['b/b1', 'a/a1', 80, 'deny'], ['a/a2', 'a/a1', 80, 'deny'], ['203.0.113.5', 'a/a2', 80, 'deny'], ['a/a1', 'b/b1', 80, 'allow'], ['c/c1', 'b/b1', 80, 'allow'],
    ]);
  });

  it('allow from the same namespace', async () => {
    await expectMatrix(np('{podSelector: {}, ingress: [{from: [{podSelector: {}}]}]}'), [
      ['a/a2', 'a/a1', 80, 'allow'], ['b/b1', 'a/a1', 80, 'deny'], ['203.0.113.5', 'a/a1', 80, 'deny'],
    ]);
  });

  it('allow from namespaces by label', async () => {
    await expectMatrix(np('{podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: x}}}]}]}'), [
      ['b/b1', 'a/a1', 80, 'allow'], ['c/c1', 'a/a1', 80, 'deny'], ['a/a2', 'a/a1', 80, 'deny'],
    ]);
  });

  it('a specific port', async () => {
    await expectMatrix(np('{podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: 8080}]}]}'), [
      ['b/b1', 'a/a1', 8080, 'allow'], ['b/b1', 'a/a1', 80, 'deny'], ['b/b1', 'a/a1', 8080, 'deny', 'UDP'], ['b/b1', 'a/a2', 80, 'allow'],
    ]);
  });

  it('a named port', async () => {
    await expectMatrix(np('{podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: http}]}]}'), [
      ['b/b1', 'a/a1', 8080, 'allow'], ['b/b1', 'a/a1', 80, 'deny'],
    ]);
  });

  it('ipBlock with except', async () => {
    await expectMatrix(np('{podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 203.0.113.0/24, except: [203.0.113.128/25]}}]}]}'), [
      ['203.0.113.5', 'a/a1', 80, 'allow'], ['203.0.113.200', 'a/a1', 80, 'deny'], ['b/b1', 'a/a1', 80, 'deny'],
    ]);
  });

  it('egress deny-all', async () => {
    await expectMatrix(np('{podSelector: {}, policyTypes: [Egress]}'), [
      ['a/a1', 'b/b1', 80, 'deny'], ['a/a1', '203.0.113.5', 443, 'deny'], ['b/b1', 'a/a1', 80, 'allow'],
    ]);
  });

  it('ingress and egress together', async () => {
    await expectMatrix(np(`{podSelector: {matchLabels: {app: web}}, policyTypes: [Ingress, Egress],
      ingress: [{from: [{podSelector: {matchLabels: {app: db}}}]}],
      egress: [{to: [{namespaceSelector: {matchLabels: {team: x}}}], ports: [{port: 80}]}]}`), [
      ['a/a2', 'a/a1', 80, 'allow'], ['b/b1', 'a/a1', 80, 'deny'], ['a/a1', 'b/b1', 80, 'allow'], ['a/a1', 'b/b1', 81, 'deny'], ['a/a1', 'c/c1', 80, 'deny'],
    ]);
  });

  it('says which tier, policy and rule decided, direction by direction', async () => {
    const state = await view(np('{podSelector: {}, ingress: [{from: [{podSelector: {}}]}]}'));
    expect(trace(state, { from: 'a/a2', to: 'a/a1', port: 80 })).toMatchObject({
      verdict: 'allow', srcIp: '10.0.0.2', dstIp: '10.0.0.1',
      egress: { endpoint: 'k8s/a/a2/eth0', verdict: 'allow', decidedBy: 'profile-rule', profile: 'kns.a', ruleIndex: 0 },
      ingress: { endpoint: 'k8s/a/a1/eth0', verdict: 'allow', decidedBy: 'policy-rule', tier: 'default', policy: 'KubernetesNetworkPolicy/a/p', ruleIndex: 0 },
    });
    expect(trace(state, { from: 'b/b1', to: 'a/a1', port: 80 }).ingress).toMatchObject({ verdict: 'deny', decidedBy: 'end-of-tier', tier: 'default' });
  });

  it('names what is wrong with a query', async () => {
    const state = await view('');
    expect(() => trace(state, { from: 'a/nope', to: 'a/a1', port: 80 })).toThrow('no endpoint for pod a/nope');
    expect(() => trace(state, { from: 'a/a2', to: 'a/a1' })).toThrow('TCP needs a port');
    expect(() => trace(state, { from: 'a/a2', to: 'a/a1', port: 1, protocol: 'QUIC' })).toThrow('unknown protocol "QUIC"');
  });
});
