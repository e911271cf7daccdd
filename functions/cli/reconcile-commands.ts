import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import type { RunConfigSource } from '../confluent/run-config.ts';
import { InvalidInputError } from '../core/errors.ts';
import { type ReconcileOptions, repairAll } from '../core/reconcile.ts';
import { type RunReport, summarizeRun } from '../core/report.ts';
import { CLOUD_OPTIONS, type CliCloud, openCloud, stderrLog } from './cloud.ts';
import type { CommandResult } from './command.ts';
import { CONFLUENT_OPTIONS, cliRunConfig, reconcileWithDiscovery } from './confluent-options.ts';
import { jsonDocument } from './json-output.ts';
import { formatRunReport, paletteFor } from './plan-output.ts';

/** Exit codes as `terraform plan -detailed-exitcode`: 0 nothing to do, 2 changes pending, 1 an error. */
export function planExitCode(report: RunReport): number {
  const summary = summarizeRun(report);
  if (summary.failed > 0) return 1;
  return summary.drift > 0 ? 2 : 0;
}

function trigger(kind: string) {
  return { kind: 'cli' as const, id: `cli-${kind}-${new Date().toISOString()}`, description: `linkdns ${kind}` };
}

const OPTIONS = { ...CLOUD_OPTIONS, ...CONFLUENT_OPTIONS } as const;

/** A repair run with the mappings discovered from Confluent Cloud, when configured; a line on stderr says what it found. */
async function repairRun(
  source: RunConfigSource,
  cloud: CliCloud,
  kind: string,
  options: ReconcileOptions,
): Promise<RunReport> {
  const run = trigger(kind);
  const report = await reconcileWithDiscovery(source, cloud.deps, run, async (deps, withDiscovery) =>
    withDiscovery(await repairAll(run, deps, options)),
  );
  const found = report.discovery;
  if (found) {
    process.stderr.write(
      `Confluent Cloud: ${found.mappings} mapping(s) from ${found.environments.join(', ')}` +
        `${found.cached ? ' (reused)' : `, ${found.apiCalls} API call(s)`}` +
        `${found.skipped.map((skipped) => `; skipped ${skipped.id}: ${skipped.reason}`).join('')}\n`,
    );
  }
  return report;
}

/** `linkdns plan`: observe, compute and diff every managed zone; change nothing. */
export async function planCommand(argv: readonly string[]): Promise<CommandResult> {
  const { values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true });
  const cloud = await openCloud(values, stderrLog(), process.env, (config) =>
    cliRunConfig(values, config, stderrLog()),
  );
  const source = cloud.runConfig;
  const report = await repairRun(source, cloud, 'plan', { dryRun: true });
  return {
    exitCode: planExitCode(report),
    stdout: values.json
      ? jsonDocument(report)
      : formatRunReport(report, paletteFor(process.stdout, process.env), 'plan'),
  };
}

export interface ApplyIo {
  readonly isTTY: boolean;
  confirm(question: string): Promise<boolean>;
}

const terminal: ApplyIo = {
  isTTY: Boolean(process.stdin.isTTY),
  async confirm(question) {
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await prompt.question(question)).trim());
    } finally {
      prompt.close();
    }
  },
};

/**
 * `linkdns apply`: the plan, a confirmation, then the changes. Applying reconciles again from a fresh read (the zone
 * may have moved since the plan); the compare-and-swap writes make that safe.
 */
export async function applyCommand(argv: readonly string[], io: ApplyIo = terminal): Promise<CommandResult> {
  const { values } = parseArgs({
    args: [...argv],
    options: { ...OPTIONS, yes: { type: 'boolean', default: false } },
    strict: true,
  });
  const cloud = await openCloud(values, stderrLog(), process.env, (config) =>
    cliRunConfig(values, config, stderrLog()),
  );
  // One source for both runs: the apply reuses the plan's discovery.
  const source = cloud.runConfig;
  const palette = paletteFor(process.stdout, process.env);
  const plan = await repairRun(source, cloud, 'plan', { dryRun: true });
  const pending = summarizeRun(plan).drift;
  if (pending === 0) {
    return {
      exitCode: planExitCode(plan),
      stdout: values.json ? jsonDocument(plan) : formatRunReport(plan, palette, 'plan'),
    };
  }
  if (!values.yes) {
    if (!io.isTTY) throw new InvalidInputError('refusing to apply without --yes: standard input is not a terminal');
    process.stderr.write(formatRunReport(plan, palette, 'plan'));
    if (!(await io.confirm(`Apply the changes to ${pending} zone(s)? [y/N] `))) {
      return { exitCode: 1, stdout: '', stderr: 'Cancelled: nothing was changed.\n' };
    }
  }
  const report = await repairRun(source, cloud, 'apply', {});
  return {
    exitCode: summarizeRun(report).failed > 0 ? 1 : 0,
    stdout: values.json ? jsonDocument(report) : formatRunReport(report, palette, 'apply'),
  };
}

/** `linkdns repair`: what the schedule runs, on demand; `--detect-only` reports drift and changes nothing. */
export async function repairCommand(argv: readonly string[]): Promise<CommandResult> {
  const { values } = parseArgs({
    args: [...argv],
    options: { ...OPTIONS, 'detect-only': { type: 'boolean', default: false } },
    strict: true,
  });
  const cloud = await openCloud(values, stderrLog(), process.env, (config) =>
    cliRunConfig(values, config, stderrLog()),
  );
  const source = cloud.runConfig;
  const dryRun = values['detect-only'];
  const report = await repairRun(source, cloud, dryRun ? 'repair --detect-only' : 'repair', {
    dryRun,
    onZone: (zone, index, total) =>
      process.stderr.write(`[${index + 1}/${total}] ${zone.domain} ${zone.scope}: ${zone.outcome}\n`),
  });
  const summary = summarizeRun(report);
  return {
    exitCode: summary.failed > 0 ? 1 : dryRun && summary.drift > 0 ? 2 : 0,
    stdout: values.json
      ? jsonDocument(report)
      : formatRunReport(report, paletteFor(process.stdout, process.env), dryRun ? 'plan' : 'apply'),
  };
}
