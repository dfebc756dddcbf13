#!/usr/bin/env -S node --max-semi-space-size=32 --no-allocation-site-pretenuring
/**
 * The `troupe` command. The shebang sets two V8 startup flags (docs/runtime.md, "Memory"): a 32 MB
 * young generation, because messages waiting in mailboxes otherwise survive scavenges and get promoted
 * (~25% of an 8-actor chain's throughput, bench/runtime.ts); and no allocation-site pretenuring,
 * because V8 otherwise may judge the array xstate makes per transition long-lived (every one it counted
 * had survived a scavenge) and allocate it in the old generation for the rest of the run, after which
 * every message's garbage survives until a full GC (~20% of the same chain's throughput, measured).
 * Exit codes: 0 success, 1 the runtime failed (root supervisor gave up), 2 usage error (bad option or
 * value), 3 unreadable input.
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { CALC_FORMATS, CALC_WIRINGS, calcCommand } from './calc-command.js';
import { demoCommand } from './demo-command.js';
import { inspectCommand } from './inspect-command.js';
import { DURABILITY_MODES } from '../runtime/persistence/state-store.js';
import type { Durability } from '../runtime/persistence/state-store.js';
import { runCommand } from './run-command.js';
import { PLACEMENT_CHOICES } from './placement-option.js';
import { traceCommand } from './trace-command.js';

const EXIT_USAGE = 2;
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

function positiveInteger(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError(`${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
    return parsed;
  };
}

export function createProgram(): Command {
  const program = new Command()
    .name('troupe')
    .description('A Kubernetes node agent built as a supervised actor runtime in one Node.js process.')
    .version(version)
    .exitOverride()
    .addHelpText('after', '\nExit codes: 0 success, 1 runtime failure (the root supervisor gave up), 2 usage error,\n3 unreadable input (the message names the file).');

  program
    .command('run')
    .description('Run the agent: read the datastore, compute this node\'s dataplane state (Felix\'s calculation\n' +
      'graph as supervised actors), stream it to the dataplane and follow changes until SIGTERM.\n' +
      'With no options: the embedded example cluster (examples/cluster), as node-1.')
    .option('--datastore <spec>', 'file:PATH (Kubernetes/Calico YAML or model KVs, a file or a directory) or k8s (KUBECONFIG,\n~/.kube/config or the in-cluster service account)')
    .option('--hostname <name>', 'this node (default: node-1 for the example cluster, else $NODENAME or the host name)')
    .option('--dataplane <spec>', 'stdout (JSON lines) | file:PATH (Felix frames, appended) | driver:COMMAND (fd 3/fd 4) | none', 'none')
    .option('--inspect <addr>', 'HOST:PORT of the inspection endpoint (actors, events, metrics, a live page), or none; a non-loopback address needs --inspect-token-file', '127.0.0.1:9099')
    .option('--inspect-token-file <file>', 'a file holding the bearer token the inspection endpoint requires')
    .option('--state-dir <dir>', 'keep durable state here (LMDB), so a restart, even after kill -9, resumes from it instead\nof resyncing everything; without it nothing is kept')
    .addOption(new Option('--durability <mode>', 'with --state-dir: batch (group commit every 100 ms) or sync (every message commits\nbefore its effects leave); off keeps nothing').choices([...DURABILITY_MODES]).default('batch'))
    .option('--placement <spec>', `where the calc actors run: ${PLACEMENT_CHOICES}. auto: the member calculator on a worker\nthread when there are 2+ CPUs, else everything on main; spread: the calculators over two workers,\nthe member calculator in two shards; FILE: YAML/JSON {workers: N, actors: {"/calc/member-calc": "worker:1",\n"/calc/*": "worker:2"}} (placing /calc/member-shard-1..N asks for N shards)`, 'auto')
    .action(async (options: { datastore?: string; hostname?: string; dataplane: string; inspect: string; inspectTokenFile?: string; stateDir?: string; durability: Durability; placement: string }) => {
      process.exitCode = await runCommand({ ...options, out: process.stdout, err: process.stderr });
    });

  program
    .command('inspect')
    .description('The actor tree of a running troupe (its inspection endpoint) as a table: path, state, mailbox,\nrate, restarts.')
    .argument('[addr]', 'the inspection endpoint, HOST:PORT or a URL', '127.0.0.1:9099')
    .option('--watch [seconds]', 'refresh every N seconds until Ctrl-C', (value: string) => Number(value), undefined)
    .option('--json', 'print the tree as JSON', false)
    .option('--actor <path>', 'one actor: its figures, snapshot and recent events')
    .option('--token-file <file>', 'the bearer token, when the endpoint requires one')
    .action(async (addr: string, options: { watch?: number | boolean; json: boolean; actor?: string; tokenFile?: string }) => {
      const watch = options.watch === true ? 2 : options.watch === false ? undefined : options.watch;
      process.exitCode = await inspectCommand({ address: addr, json: options.json, ...(watch === undefined ? {} : { watch }), ...(options.actor === undefined ? {} : { actor: options.actor }), ...(options.tokenFile === undefined ? {} : { tokenFile: options.tokenFile }), out: process.stdout, err: process.stderr });
    });

  program
    .command('demo')
    .description('The runtime at work: a demo pipeline (source -> parser -> counter -> printer under a\n' +
      'supervisor) that narrates a poison record, restarts with backoff and a clean shutdown.')
    .addOption(new Option('--clock <kind>', 'real time, or deterministic simulated time').choices(['real', 'simulated']).default('real'))
    .option('--seed <n>', 'seed for scheduling choices and restart jitter', positiveInteger('--seed'), 1)
    .option('--records <n>', 'records the demo source produces', positiveInteger('--records'), 12)
    .option('--interval-ms <n>', 'milliseconds between records', positiveInteger('--interval-ms'), 200)
    .option('--crash <path...>', 'fault injection: the actor at PATH crashes on every message', [])
    .action(async (options: { clock: 'real' | 'simulated'; seed: number; records: number; intervalMs: number; crash: string[] }) => {
      process.exitCode = await demoCommand({ ...options, out: process.stdout, err: process.stderr });
    });
  program
    .command('calc')
    .description('One shot: load a datastore of model KV records (a JSON array or JSON lines of\n' +
      '{ type, key, value }), compute what Felix would send this host\'s dataplane, print it, exit.\n' +
      'Invalid records are reported on stderr and treated as absent.')
    .requiredOption('--datastore <path>', 'model KV file (JSON array or JSON lines); "file:PATH" also works')
    .requiredOption('--hostname <name>', 'this node: its endpoints are the local ones')
    .addOption(new Option('--format <format>', 'json: the dataplane view; jsonl: each ToDataplane message; proto: the framed stream a dataplane driver reads').choices(CALC_FORMATS).default('json'))
    .addOption(new Option('--wiring <wiring>', 'the calculators as supervised actors, or wired by direct calls').choices(CALC_WIRINGS).default('actors'))
    .action(async (options: { datastore: string; hostname: string; format: (typeof CALC_FORMATS)[number]; wiring: (typeof CALC_WIRINGS)[number] }) => {
      process.exitCode = await calcCommand({ ...options, out: process.stdout, err: process.stderr });
    });
  program
    .command('trace')
    .description('The policy verdict for a flow as the dataplane would decide it: the source\'s egress and the\n' +
      'destination\'s ingress, each with the tier, policy and rule (or profile) that decided. Evaluates\n' +
      'the whole cluster (every endpoint counted as local).')
    .requiredOption('--datastore <path>', 'Kubernetes/Calico YAML (file or directory) or a model KV file')
    .option('--from <end>', 'namespace/pod or an IP address')
    .option('--to <end>', 'namespace/pod or an IP address')
    .option('--port <n>', 'destination port', positiveInteger('--port'))
    .option('--protocol <name>', 'TCP, UDP, SCTP, ICMP, ICMPv6 or UDPLite', 'TCP')
    .option('--queries <file>', 'a JSON array of {from, to, port, protocol}; prints an array of results in order')
    .addOption(new Option('--format <format>', 'human-readable lines or JSON').choices(['text', 'json']).default('text'))
    .action(async (options: { datastore: string; from?: string; to?: string; port?: number; protocol?: string; queries?: string; format: 'text' | 'json' }) => {
      process.exitCode = await traceCommand({ ...options, out: process.stdout, err: process.stderr });
    });
  return program;
}

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  const code = (error as { code?: string }).code ?? '';
  if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') process.exit(0);
  if (code.startsWith('commander.')) process.exit(EXIT_USAGE);
  throw error;
}
process.exit(process.exitCode ?? 0);
