import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/assert-node.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The JSON report lets .ci/run print a plain closing line with the counts.
    reporters: ['default', ['json', { outputFile: '.tmp/vitest-report.json' }]],
  },
});
