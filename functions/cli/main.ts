import { isLinkdnsError } from '../core/errors.ts';
import type { Command } from './command.ts';
import { EXPORT_USAGE, exportCommand } from './export.ts';
import { INVOKE_USAGE, invokeCommand } from './invoke.ts';
import {
  APPLY_USAGE,
  applyCommand,
  PLAN_USAGE,
  planCommand,
  REPAIR_USAGE,
  repairCommand,
} from './reconcile-commands.ts';
import { RECORDS_USAGE, recordsCommand } from './records.ts';
import { VERIFY_USAGE, verifyCommand } from './verify.ts';

const COMMANDS: Readonly<Record<string, { readonly run: Command; readonly usage: string }>> = {
  plan: { run: planCommand, usage: PLAN_USAGE },
  apply: { run: (argv) => applyCommand(argv), usage: APPLY_USAGE },
  repair: { run: repairCommand, usage: REPAIR_USAGE },
  verify: { run: verifyCommand, usage: VERIFY_USAGE },
  export: { run: exportCommand, usage: EXPORT_USAGE },
  invoke: { run: invokeCommand, usage: INVOKE_USAGE },
  records: { run: recordsCommand, usage: RECORDS_USAGE },
};

const indent = (text: string) => text.split('\n').join('\n  ');

const USAGE = `linkdns — keeps private DNS right for private endpoints

Usage:
  ${Object.values(COMMANDS)
    .map((command) => indent(command.usage))
    .join('\n  ')}

Credentials: each cloud SDK's standard chain (AWS profile/env/SSO, Azure CLI/env/managed identity).`;

/** Runs the CLI and returns the exit code; errors are printed to stderr, never to stdout. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? process.stdout : process.stderr).write(`${USAGE}\n`);
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`linkdns: unknown command "${name}"\n\n${USAGE}\n`);
    return 1;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    const result = await command.run(rest);
    if (result.stdout) process.stdout.write(result.stdout);
    if (result.stderr) process.stderr.write(result.stderr);
    return result.exitCode;
  } catch (error) {
    const expected = isLinkdnsError(error) || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`linkdns ${name}: ${expected ? (error as Error).message : (error as Error).stack}\n`);
    return 1;
  }
}
