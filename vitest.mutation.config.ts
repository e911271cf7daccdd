import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

/**
 * vitest for Stryker (`npm run test:mutation`): the base config with the test files of one mutation group, named in
 * LINKDNS_MUTATION_TESTS by stryker.config.mjs. The group's tests are chosen here rather than with Stryker's own
 * `testFiles` option, because Stryker 10.1.1 then activates static mutants too late (see stryker.config.mjs).
 */
const tests = (process.env.LINKDNS_MUTATION_TESTS ?? '').split(',').filter((file) => file !== '');
if (tests.length === 0) throw new Error('LINKDNS_MUTATION_TESTS names no test files: run `npm run test:mutation`');

export default defineConfig({
  ...base,
  // One worker runs a group's files one after the other and imports shared modules once: Stryker starts hundreds of
  // vitest runs, and spawning and importing per file was most of each run's time. The canary proves that a static
  // mutant is still evaluated afresh in each run.
  test: { ...base.test, include: tests, reporters: ['dot'], isolate: false },
});
