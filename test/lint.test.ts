/** The project's lint policy is part of its contract: time is injected, never read from the wall clock. */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function ruleIds(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? 'fatal');
}

describe('lint policy', () => {
  it('forbids Date.now, new Date, setTimeout and setInterval in runtime and actor code', async () => {
    const code = 'export const a = Date.now();\nexport const b = new Date();\nsetTimeout(() => undefined, 1);\nsetInterval(() => undefined, 1);\n';
    const ids = await ruleIds(code, 'src/runtime/example.ts');
    expect(ids.filter((id) => id === 'no-restricted-syntax')).toHaveLength(2);
    expect(ids.filter((id) => id === 'no-restricted-globals')).toHaveLength(2);
    expect(await ruleIds(code, 'src/actors/example.ts')).toHaveLength(4);
  });

  it('allows the wall clock in the clock module only', async () => {
    expect(await ruleIds('export const a = Date.now();\nsetTimeout(() => undefined, 1);\n', 'src/runtime/clock.ts')).toEqual([]);
  });
});
