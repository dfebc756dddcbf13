/**
 * `troupe trace`: the policy verdict for a flow, as the dataplane would decide it, with the deciding
 * tier, policy and rule for each end. Reads the datastore like `troupe calc` and evaluates the
 * cluster view (every endpoint local). `--queries FILE.json` answers an array of queries in order.
 * Exit codes: 0 answered; 2 a bad query; 3 unreadable datastore or queries file.
 */
import { readFile } from 'node:fs/promises';
import { clusterView } from '../actors/calc/trace/cluster-view.js';
import { TraceError, trace } from '../actors/calc/trace/trace.js';
import type { TraceQuery, TraceResult } from '../actors/calc/trace/trace.js';
import type { DirectionVerdict } from '../actors/calc/trace/verdict.js';
import { DatastoreError } from '../adapters/datastore/model-file.js';
import { EXIT_UNREADABLE, loadDatastoreRecords } from './calc-command.js';

export interface TraceOptions {
  readonly datastore: string;
  readonly from?: string;
  readonly to?: string;
  readonly port?: number;
  readonly protocol?: string;
  readonly queries?: string;
  readonly format: 'text' | 'json';
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
}

const EXIT_BAD_QUERY = 2;

function describeDirection(verdict: DirectionVerdict): string {
  const who = verdict.direction === 'egress' ? `${verdict.endpoint} egress` : `${verdict.endpoint} ingress`;
  const why = {
    'policy-rule': `rule ${verdict.ruleIndex} of ${verdict.policy} (tier ${verdict.tier})`,
    'end-of-tier': `end of tier ${verdict.tier}: no policy in it allowed or passed`,
    'profile-rule': `rule ${verdict.ruleIndex} of profile ${verdict.profile}`,
    'missing-profile': `profile ${verdict.profile} does not exist`,
    'no-profile-allowed': 'no tier or profile allowed it',
  }[verdict.decidedBy];
  return `  ${who}: ${verdict.verdict} — ${why}`;
}

export function describeTrace(result: TraceResult): string {
  const flow = `${result.from} (${result.srcIp}) → ${result.to} (${result.dstIp}) ${result.protocol.toUpperCase()}${result.port === undefined ? '' : `/${result.port}`}`;
  const lines = [`${result.verdict.toUpperCase()}  ${flow}`];
  if (result.egress !== undefined) lines.push(describeDirection(result.egress));
  else lines.push(`  ${result.from}: not a Calico endpoint (no egress policy)`);
  if (result.ingress !== undefined) lines.push(describeDirection(result.ingress));
  else lines.push(`  ${result.to}: not a Calico endpoint (no ingress policy)`);
  return lines.join('\n');
}

async function readQueries(path: string): Promise<TraceQuery[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new DatastoreError('DATASTORE_ERR_READ', path, `cannot read queries: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(parsed)) throw new DatastoreError('DATASTORE_ERR_PARSE', path, 'expected a JSON array of {from, to, port, protocol}');
  return parsed as TraceQuery[];
}

export async function traceCommand(options: TraceOptions): Promise<number> {
  let queries: TraceQuery[];
  let records: readonly unknown[];
  try {
    if (options.queries !== undefined) queries = await readQueries(options.queries);
    else if (options.from !== undefined && options.to !== undefined) queries = [{ from: options.from, to: options.to, ...(options.port === undefined ? {} : { port: options.port }), ...(options.protocol === undefined ? {} : { protocol: options.protocol }) }];
    else {
      options.err.write('troupe trace: give --from and --to (and --port), or --queries FILE.json\n');
      return EXIT_BAD_QUERY;
    }
    records = await loadDatastoreRecords(options.datastore, (message) => options.err.write(`troupe trace: ${message}\n`));
  } catch (error) {
    if (!(error instanceof DatastoreError)) throw error;
    options.err.write(`troupe trace: ${error.message}\n`);
    return EXIT_UNREADABLE;
  }
  const state = clusterView(records, (invalid) => options.err.write(`troupe trace: invalid ${invalid.type} ${JSON.stringify(invalid.key)}: ${invalid.reason} (treated as absent)\n`));
  const results: TraceResult[] = [];
  for (const [index, query] of queries.entries()) {
    try {
      results.push(trace(state, query));
    } catch (error) {
      if (!(error instanceof TraceError)) throw error;
      options.err.write(`troupe trace: query ${options.queries === undefined ? '' : `${index} `}${JSON.stringify(query)}: ${error.message}\n`);
      return EXIT_BAD_QUERY;
    }
  }
  const text = options.format === 'json'
    ? `${JSON.stringify(options.queries === undefined ? results[0] : results, null, 2)}\n`
    : `${results.map(describeTrace).join('\n\n')}\n`;
  await new Promise<void>((resolve, reject) => { options.out.write(text, (error) => (error ? reject(error) : resolve())); });
  return 0;
}
