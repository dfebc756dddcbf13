import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Child-process CLI tests compile nothing; they run the sources through tsx.
    testTimeout: 30_000,
    pool: 'forks',
  },
});
