/** The CLI as users run it: a real child process, its output and its exit code. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

function troupe(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The flags on a command line that shape troupe's heap: every `--` word but the bench's `--expose-gc` and `--import`. */
function v8Flags(commandLine: string): string[] {
  return commandLine.split(/\s+/).filter((word) => word.startsWith('--') && word !== '--expose-gc' && word !== '--import');
}

describe('the troupe process', () => {
  it('runs under the same V8 flags from its shebang, `npm start` and `npm run bench`', () => {
    const shebang = readFileSync('src/cli/main.ts', 'utf8').split('\n')[0]!;
    const scripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts;
    const flags = v8Flags(shebang);
    expect(flags).toEqual(['--max-semi-space-size=32', '--no-allocation-site-pretenuring']);
    expect(v8Flags(scripts.start!)).toEqual(flags);
    expect(v8Flags(scripts.bench!)).toEqual(flags);
  });

  it('--help tells what troupe is, its commands and its exit codes', () => {
    const { code, stdout } = troupe('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: troupe');
    expect(stdout).toContain('run');
    expect(stdout).toContain('Exit codes: 0 success, 1 runtime failure');
  });

  it('rejects a bad option value with exit code 2 and a message naming it', () => {
    const { code, stderr } = troupe('demo', '--records', 'many');
    expect(code).toBe(2);
    expect(stderr).toContain('--records must be a non-negative integer, got "many"');
  });

  it('exits non-zero when the root supervisor gives up, saying which actor failed and why', () => {
    const { code, stderr } = troupe('demo', '--clock', 'simulated', '--crash', '/demo/counter');
    expect(code).toBe(1);
    const fatal = stderr.trim().split('\n').filter((line) => line.startsWith('{'));
    expect(fatal).toHaveLength(1);
    expect(JSON.parse(fatal[0]!)).toMatchObject({ level: 60, actor: '/demo/counter' });
  });

  it('runs the demo to completion on the real clock and exits 0', () => {
    const { code, stdout } = troupe('demo', '--records', '8', '--interval-ms', '5');
    expect(code).toBe(0);
    expect(stdout).toContain('stopped cleanly');
  });
});
