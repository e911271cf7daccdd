// @ts-check
/**
 * `npm run test:mutation [-- <group>…] [--force]`: mutation testing of the core, the cloud mappings and the safety
 * guards (groups in stryker.config.mjs). First the canary group proves the Stryker/vitest pairing still detects
 * what it must; then each group runs on its own (one at a time: the machines have two cores), its per-file scores
 * go to reports/mutation/summary.json, and the run fails when a group scores below 85% or one of its files below 75%.
 *
 * Score = (killed + timed out) / (killed + timed out + survived + not covered), as Stryker computes it. Mutants
 * marked equivalent in the source (`// Stryker disable …: reason`) and runtime errors are outside the score; the
 * summary line counts them so neither can hide.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GROUPS } from '../stryker.config.mjs';

const GROUP_FLOOR = 85;
const FILE_FLOOR = 75;
const SUMMARY = 'reports/mutation/summary.json';
const STRYKER_BIN = join(
  dirname(createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json')),
  'bin/stryker.js',
);

const args = process.argv.slice(2);
const force = args.includes('--force');
const requested = args.filter((arg) => !arg.startsWith('--'));
const groups = requested.length > 0 ? requested : ['core', 'mappings', 'guards'];
const unknown = groups.filter((name) => !(name in GROUPS) || name === 'canary');
if (unknown.length > 0) {
  console.error(`Unknown mutation group ${unknown.join(', ')}: choose from core, mappings, guards`);
  process.exit(2);
}

/** @typedef {{ status: string, location: { start: { line: number } }, mutatorName: string, replacement?: string }} Mutant */

/**
 * Stryker's incremental diff reuses a result when the mutant and the tests that cover it are unchanged. A static
 * mutant (code run while a module loads) has no per-test coverage, so a surviving one would be reused forever, even
 * after a test that kills it was added: drop those from the incremental file so each run tests them again.
 */
function forgetStaticSurvivors(/** @type {string} */ group) {
  const file = `reports/mutation/${group}-incremental.json`;
  if (!existsSync(file)) return;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  for (const entry of Object.values(report.files ?? {})) {
    entry.mutants = entry.mutants.filter(
      (/** @type {Mutant & { static?: boolean }} */ mutant) =>
        !(mutant.static && (mutant.status === 'Survived' || mutant.status === 'NoCoverage')),
    );
  }
  writeFileSync(file, JSON.stringify(report));
}

/** Runs Stryker for one group and returns its JSON report's files and the wall time. */
function runStryker(/** @type {string} */ group) {
  forgetStaticSurvivors(group);
  const started = Date.now();
  const result = spawnSync(
    process.execPath,
    [STRYKER_BIN, 'run', 'stryker.config.mjs', ...(force ? ['--force'] : [])],
    {
      stdio: 'inherit',
      env: { ...process.env, LINKDNS_MUTATION_GROUP: group },
    },
  );
  const seconds = Math.round((Date.now() - started) / 1000);
  if (result.status !== 0) {
    console.error(`Stryker failed for group ${group} (exit ${result.status ?? result.signal})`);
    process.exit(1);
  }
  /** @type {{ files: Record<string, { source: string, mutants: Mutant[] }> }} */
  const report = JSON.parse(readFileSync(`reports/mutation/${group}.json`, 'utf8'));
  return { files: report.files, seconds };
}

function score(/** @type {Mutant[]} */ mutants) {
  const count = (/** @type {string[]} */ ...statuses) => mutants.filter((m) => statuses.includes(m.status)).length;
  const detected = count('Killed', 'Timeout');
  const valid = detected + count('Survived', 'NoCoverage');
  return {
    score: valid === 0 ? 100 : Math.round((detected / valid) * 10_000) / 100,
    detected,
    undetected: valid - detected,
    ignored: count('Ignored'),
    errors: count('RuntimeError', 'CompileError'),
  };
}

/**
 * The canary's mutants have known fates (scripts/mutation-canary/canary.ts). Any other fate means the runner
 * pairing is broken and no score can be trusted.
 */
function checkCanary() {
  const { files } = runStryker('canary');
  const file = Object.values(files)[0];
  if (!file) throw new Error('The canary report has no file');
  const lines = file.source.split('\n');
  const lineOf = (/** @type {string} */ text) => lines.findIndex((line) => line.includes(text)) + 1;
  const greeting = lineOf("const GREETING = 'hello'");
  const loadThrows = lineOf("PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4')");
  const uncheckedStart = lineOf('export function unchecked');
  /** @type {string[]} */
  const problems = [];
  for (const mutant of file.mutants) {
    const line = mutant.location.start.line;
    const what = `line ${line} ${mutant.mutatorName} → ${mutant.replacement ?? ''}: ${mutant.status}`;
    if (line >= uncheckedStart) {
      if (mutant.status !== 'Survived') problems.push(`${what} (nothing asserts on it: it must survive)`);
    } else if (line === loadThrows) {
      if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') {
        problems.push(`${what} (the test file cannot load: that must not pass)`);
      }
    } else if (mutant.status !== 'Killed') {
      problems.push(`${what} (${line === greeting ? 'a static mutant' : 'a tested mutant'}: it must be killed)`);
    }
  }
  if (!file.mutants.some((mutant) => mutant.location.start.line === greeting)) problems.push('no static mutant made');
  if (problems.length > 0) {
    console.error(
      `The mutation-testing canary failed; the Stryker/vitest pairing is broken:\n  ${problems.join('\n  ')}`,
    );
    process.exit(1);
  }
  console.log(`canary: ${file.mutants.length} mutants, each with its expected fate`);
}

checkCanary();

mkdirSync('reports/mutation', { recursive: true });
/** @type {Record<string, { score: number, files: Record<string, number> }>} */
let summary = {};
try {
  summary = JSON.parse(readFileSync(SUMMARY, 'utf8'));
} catch {
  // First run: no earlier summary to keep the other groups' figures from.
}
/** @type {string[]} */
const failures = [];
/** @type {string[]} */
const lines = [];
for (const group of groups) {
  const { files, seconds } = runStryker(group);
  const all = Object.values(files).flatMap((file) => file.mutants);
  const total = score(all);
  /** @type {Record<string, number>} */
  const perFile = {};
  for (const [path, file] of Object.entries(files).sort(([a], [b]) => a.localeCompare(b))) {
    const fileScore = score(file.mutants);
    perFile[path] = fileScore.score;
    if (fileScore.score < FILE_FLOOR) failures.push(`${path}: ${fileScore.score}% < ${FILE_FLOOR}%`);
    lines.push(`  ${path}: ${fileScore.score}% (${fileScore.undetected} undetected)`);
  }
  if (total.score < GROUP_FLOOR) failures.push(`group ${group}: ${total.score}% < ${GROUP_FLOOR}%`);
  summary[group] = { score: total.score, files: perFile };
  writeFileSync(SUMMARY, `${JSON.stringify(summary, null, 2)}\n`);
  lines.splice(
    lines.length - Object.keys(perFile).length,
    0,
    `${group}: ${total.score}% in ${seconds} s — ${total.detected} killed, ${total.undetected} undetected, ` +
      `${total.ignored} marked equivalent, ${total.errors} runtime errors`,
  );
}

console.log(`\nMutation scores (floors: ${GROUP_FLOOR}% a group, ${FILE_FLOOR}% a file), ${SUMMARY}:`);
console.log(lines.join('\n'));
if (failures.length > 0) {
  console.error(`\nBelow the floor:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
