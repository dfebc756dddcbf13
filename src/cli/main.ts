#!/usr/bin/env -S node --max-semi-space-size=32
/**
 * The `troupe` command. The shebang gives V8 a 32 MB young generation: messages waiting in mailboxes
 * otherwise survive scavenges and get promoted, and measured throughput of an 8-actor chain is ~25%
 * lower with Node's default (see bench/runtime.ts). It has to be a startup flag: set at run time, V8
 * does not resize the young generation. Exit codes: 0 success, 1 the runtime failed (root supervisor gave up),
 * 2 usage error (bad option or value).
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { runCommand } from './run-command.js';

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
    .addHelpText('after', '\nExit codes: 0 success, 1 runtime failure (the root supervisor gave up), 2 usage error.');

  program
    .command('run')
    .description('Run the agent. Until the calculation pipeline lands, this runs the demo pipeline\n' +
      '(source -> parser -> counter -> printer under a supervisor) and narrates what the runtime does.')
    .addOption(new Option('--clock <kind>', 'real time, or deterministic simulated time').choices(['real', 'simulated']).default('real'))
    .option('--seed <n>', 'seed for scheduling choices and restart jitter', positiveInteger('--seed'), 1)
    .option('--records <n>', 'records the demo source produces', positiveInteger('--records'), 12)
    .option('--interval-ms <n>', 'milliseconds between records', positiveInteger('--interval-ms'), 200)
    .option('--crash <path...>', 'fault injection: the actor at PATH crashes on every message', [])
    .action(async (options: { clock: 'real' | 'simulated'; seed: number; records: number; intervalMs: number; crash: string[] }) => {
      process.exitCode = await runCommand({ ...options, out: process.stdout, err: process.stderr });
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
