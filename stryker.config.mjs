// @ts-check
/**
 * Stryker (mutation testing) for linkdns: `npm run test:mutation [-- <group>…]` (scripts/mutation.mjs) runs this
 * once per group with LINKDNS_MUTATION_GROUP set; `LINKDNS_MUTATION_GROUP=guards npx stryker run` runs one by hand.
 *
 * Each group names the files it mutates and the test files that cover them (any folder: the mapping modules are
 * exercised through the adapters' and handlers' tests too). The tests are handed to vitest through
 * vitest.mutation.config.ts, not Stryker's `testFiles`, and `coverageAnalysis: 'perTest'` makes each mutant run only
 * the tests that reached it.
 *
 * Workarounds for this toolchain (Stryker 10.1.1, vitest 5.1, TypeScript 7), each checked by the canary group:
 * - TypeScript 7 ships no JavaScript compiler API (`import('typescript')` is only its version). Stryker's tsconfig
 *   step calls `ts.parseConfigFileTextToJson` on `tsconfigFile` when that file is in the project, and its
 *   typescript-checker needs the same API. So no `checkers`, and `tsconfigFile` names a file that does not exist,
 *   which Stryker skips. Nothing is lost: tsconfig.json has no `extends`/`references` to rewrite, and vitest does
 *   not type-check (`disableTypeChecks: false`; the instrumenter still puts `// @ts-nocheck` atop mutated files).
 * - Stryker's `testFiles` option sets a global test filter, and its planner then runs static mutants (code run while
 *   a module loads, e.g. a schema or a constant) with `mutantActivation: 'runtime'`: the mutant is switched on in a
 *   `beforeAll`, after the module was evaluated, so every static mutant "survives". Without `testFiles` they are
 *   activated before the test file loads (the canary's GREETING mutant proves it).
 * - Test names: vitest 5 matches `testNamePattern` against "suite > test"; the 10.1.1 runner builds names with the
 *   same separator (older runners used a space, and every mutant then ran 0 tests). The canary's nested describe
 *   proves the filter still selects the covering test.
 * - A test file that throws while loading is reported as an error of the run (Stryker: RuntimeError), not as a run
 *   with no failing test; the canary's BlockList mutant proves it, and the summary counts such mutants.
 *   In the guards group these are the mutants of ssrf-guard.ts's address table (RANGES) and NAT64 list that hand
 *   `BlockList.addSubnet` an empty address, type or row ("Invalid socket address", "options.family is invalid",
 *   "network argument must be of type string"): the module throws while it loads, so ssrf-guard.test.ts and
 *   notifier.test.ts cannot even be collected. Such a mutant can never reach a user (every import of the guard
 *   fails), and it does fail the group's tests; Stryker scores it as RuntimeError, which is outside the score, and it
 *   has no option to count it as killed. We do not turn these into "kills" (e.g. with a test that imports the module
 *   inside a test body): scoring them is Stryker's decision, and the summary line reports their number. The other
 *   mutants of the same rows (the labels) are ordinary ones and are killed by tests.
 *
 * Equivalent mutants (no test can tell them apart) are not ignored here wholesale: each is marked in the source with
 * `// Stryker disable next-line <mutator>: <reason>`, so the reason sits next to the code and in the report.
 */

/** @typedef {{ mutate: string[], tests: string[] }} MutationGroup */

/** @type {Record<string, MutationGroup>} */
export const GROUPS = {
  canary: {
    mutate: ['scripts/mutation-canary/canary.ts'],
    tests: ['scripts/mutation-canary/canary.test.ts'],
  },
  core: {
    mutate: ['plan', 'layout', 'registry', 'model', 'config'].map((name) => `functions/core/${name}.ts`),
    tests: [
      'test/core/config.test.ts',
      'test/core/layout.test.ts',
      'test/core/model.test.ts',
      'test/core/plan.test.ts',
      'test/core/registry.test.ts',
      // The linkdns:domain tag boundaries (checkTagDomain in config.ts).
      'test/core/tag-domains.test.ts',
      'test/core/reconcile.test.ts',
      'test/core/advertised-zones.test.ts',
      'test/notify/notification-config.test.ts',
      'test/aws/route53-records.test.ts',
      'test/azure/private-endpoint-mapping.test.ts',
      'test/azure/private-dns-wire.test.ts',
      'test/gcp/cloud-dns-wire.test.ts',
      'test/gcp/cloud-dns-ownership.test.ts',
    ],
  },
  mappings: {
    mutate: [
      'functions/aws/vpc-endpoint-mapping.ts',
      'functions/aws/route53-records.ts',
      'functions/azure/private-endpoint-mapping.ts',
      'functions/gcp/forwarding-rule-mapping.ts',
    ],
    // The endpoint sources' end-to-end tests (ec2-endpoint-source, local-azure) reach these modules too, but they
    // start local clouds and take about a minute per vitest run here, which every static mutant pays (87 of them):
    // the mapping, wire and CLI-sample tests below kill what those would.
    tests: [
      'test/aws/vpc-endpoint-mapping.test.ts',
      'test/aws/route53-records.test.ts',
      'test/aws/ec2-cli-fixtures.test.ts',
      'test/azure/private-endpoint-mapping.test.ts',
      'test/gcp/forwarding-rule-mapping.test.ts',
      'test/gcp/forwarding-rule-source.test.ts',
    ],
  },
  guards: {
    mutate: ['ssrf-guard', 'standard-webhooks', 'redaction'].map((name) => `functions/notify/${name}.ts`),
    tests: [
      'test/notify/ssrf-guard.test.ts',
      'test/notify/standard-webhooks.test.ts',
      'test/notify/redaction.test.ts',
      'test/notify/notifier.test.ts',
      'test/notify/secrets.test.ts',
    ],
  },
};

const groupName = process.env.LINKDNS_MUTATION_GROUP ?? 'core';
const group = GROUPS[groupName];
if (!group) throw new Error(`Unknown mutation group "${groupName}": one of ${Object.keys(GROUPS).join(', ')}`);
// Read by vitest.mutation.config.ts in Stryker's test-runner processes, which inherit this environment.
process.env.LINKDNS_MUTATION_TESTS = group.tests.join(',');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: group.mutate,
  coverageAnalysis: 'perTest',
  checkers: [],
  tsconfigFile: 'stryker-has-no-tsconfig-step.json',
  // vitest does not type-check, so no file needs its @ts- directives stripped (mutated files get @ts-nocheck anyway).
  disableTypeChecks: false,
  // Two cores shared by the whole team.
  concurrency: 2,
  // The canary must really run every time; the groups reuse results for unchanged code and tests (--force: all).
  incremental: groupName !== 'canary',
  incrementalFile: `reports/mutation/${groupName}-incremental.json`,
  reporters: ['clear-text', 'progress-append-only', 'json', 'html'],
  jsonReporter: { fileName: `reports/mutation/${groupName}.json` },
  htmlReporter: { fileName: `reports/mutation/${groupName}.html` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['infra/cdk.out', '.tmp', 'coverage', 'dist'],
  timeoutMS: 10_000,
  thresholds: { high: 90, low: 85, break: null },
};
