// Lint rules that carry project policy, not taste:
//  - time is injected: Date.now, new Date, setTimeout and setInterval are banned outside the clock module,
//    so every timer can run on SimulatedClock and every scenario replays from its seed;
//  - `any` stays out of the code base except where a decoder shim says why.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const wallClockMessage = 'Time is injected: use the Clock (src/runtime/clock.ts), never the wall clock.';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: wallClockMessage },
        { name: 'setInterval', message: wallClockMessage },
        { name: 'clearTimeout', message: wallClockMessage },
        { name: 'clearInterval', message: wallClockMessage },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: wallClockMessage },
        { selector: "NewExpression[callee.name='Date']", message: wallClockMessage },
        { selector: "MemberExpression[object.name='globalThis'][property.name=/^(setTimeout|setInterval)$/]", message: wallClockMessage },
      ],
    },
  },
  {
    // The one place allowed to read the wall clock and arm real timers.
    files: ['src/runtime/clock.ts'],
    rules: { 'no-restricted-globals': 'off', 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // Benchmarks measure real elapsed time by definition; scripts are tooling.
    files: ['bench/**/*.ts', 'scripts/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
