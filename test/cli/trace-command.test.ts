import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { traceCommand } from '../../src/cli/trace-command.js';
import type { TraceOptions } from '../../src/cli/trace-command.js';
import { captured } from './captured.js';

function run(options: Partial<TraceOptions>) {
  return captured((out, err) => traceCommand({ datastore: 'examples/cluster', format: 'text', out, err, ...options }));
}

/** The example cluster's intent, flow by flow (see the comments in examples/cluster/*.yaml). */
const EXPECTED: [string, string, number, string, 'allow' | 'deny'][] = [
  ['198.51.100.7', 'shop/frontend-1', 8080, 'TCP', 'deny'], // blocklisted range, security tier
  ['203.0.113.9', 'shop/frontend-1', 8080, 'TCP', 'allow'], // storefront open to the outside
  ['10.244.2.200', 'shop/frontend-1', 8080, 'TCP', 'deny'], // but not from the pod range
  ['shop/frontend-1', 'shop/cart-1', 8081, 'TCP', 'allow'], // cart's named port "http"
  ['shop/frontend-1', 'shop/cart-1', 8080, 'TCP', 'deny'],
  ['shop/cart-2', 'bank/api-1', 8443, 'TCP', 'allow'],
  ['shop/frontend-2', 'bank/api-1', 8443, 'TCP', 'deny'],
  ['bank/api-2', 'bank/ledger-1', 5432, 'TCP', 'allow'], // ledger's named port "pg"
  ['bank/ledger-1', 'bank/api-1', 8443, 'TCP', 'deny'], // ledger egress locked down
  ['bank/ledger-1', 'ops/coredns-2', 53, 'UDP', 'allow'], // DNS allowed first, in the security tier
  ['bank/batch-1', '203.0.113.10', 443, 'TCP', 'allow'],
  ['bank/batch-1', '8.8.8.8', 443, 'TCP', 'deny'],
  ['ops/prometheus-1', 'bank/ledger-2', 9090, 'TCP', 'allow'], // the platform's scraper reaches everything
  ['ops/debug-1', 'bank/ledger-2', 5432, 'TCP', 'deny'],
];

describe('troupe trace on the example cluster', () => {
  it('answers a file of queries in order, as JSON, matching the cluster\'s intent', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'troupe-trace-')), 'queries.json');
    writeFileSync(path, JSON.stringify(EXPECTED.map(([from, to, port, protocol]) => ({ from, to, port, protocol }))));
    const { code, stdout, stderr } = await run({ queries: path, format: 'json' });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const results = JSON.parse(stdout) as { from: string; to: string; verdict: string }[];
    expect(results.map((result) => [result.from, result.to, result.verdict])).toEqual(EXPECTED.map(([from, to, , , verdict]) => [from, to, verdict]));
  });

  it('prints a readable verdict with the deciding rule for one flow', async () => {
    const { code, stdout } = await run({ from: '198.51.100.7', to: 'shop/frontend-1', port: 8080 });
    expect(code).toBe(0);
    expect(stdout).toContain('DENY  198.51.100.7 (198.51.100.7) → shop/frontend-1 (10.244.1.11) TCP/8080');
    expect(stdout).toContain('ingress: deny — rule 0 of GlobalNetworkPolicy/security.baseline (tier security)');
  });

  it('exits 2 naming a query it cannot answer, and 3 for a datastore it cannot read', async () => {
    expect(await run({ from: 'shop/ghost', to: 'shop/cart-1', port: 80 })).toMatchObject({ code: 2, stderr: expect.stringContaining('no endpoint for pod shop/ghost') });
    expect(await run({ datastore: '/nonexistent', from: 'a/b', to: 'c/d', port: 1 })).toMatchObject({ code: 3, stderr: expect.stringContaining('/nonexistent: cannot read') });
  });
});
