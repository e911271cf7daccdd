import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished, vi } from 'vitest';
import type { CommandResult } from '../../functions/cli/command.ts';
import { applyCommand, planCommand, repairCommand } from '../../functions/cli/reconcile-commands.ts';

/** What {@link planApplyRepair} ran, in order. */
export interface CliPass<Snapshot> {
  readonly plan: CommandResult;
  /** What `afterPlan` returned, read before anything else ran. */
  readonly afterPlan: Snapshot;
  readonly apply: CommandResult;
  readonly repair: CommandResult;
  readonly again: CommandResult;
}

/**
 * The brownfield scenarios' pass through the CLI against a local cloud: the configuration in a temporary file, `env`
 * stubbed and stderr silenced (all undone when the test finishes), then `plan`, `apply --yes` (never a prompt),
 * `drift()`, `repair` and `plan` again. `args` gets the configuration file's path.
 */
export async function planApplyRepair<Snapshot>(options: {
  readonly config: unknown;
  readonly env: Readonly<Record<string, string>>;
  readonly args: (configFile: string) => string[];
  readonly afterPlan: () => Snapshot;
  readonly drift: () => void;
}): Promise<CliPass<Snapshot>> {
  const dir = await mkdtemp(join(tmpdir(), 'linkdns-cli-pass-'));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  onTestFinished(async () => {
    stderr.mockRestore();
    vi.unstubAllEnvs();
    await rm(dir, { recursive: true, force: true });
  });
  const file = join(dir, 'linkdns.json');
  await writeFile(file, JSON.stringify(options.config));
  for (const [name, value] of Object.entries({ ...options.env, NO_COLOR: '1' })) vi.stubEnv(name, value);
  const args = options.args(file);

  const plan = await planCommand(args);
  const afterPlan = options.afterPlan();
  const apply = await applyCommand([...args, '--yes'], { isTTY: false, confirm: async () => false });
  options.drift();
  const repair = await repairCommand(args);
  const again = await planCommand(args);
  return { plan, afterPlan, apply, repair, again };
}
