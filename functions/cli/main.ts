import packageJson from '../../package.json' with { type: 'json' };
import { isLinkdnsError } from '../core/errors.ts';
import type { Command } from './command.ts';
import {
  APPLY_USAGE,
  DISCOVER_USAGE,
  EXPORT_USAGE,
  INVOKE_USAGE,
  PLAN_USAGE,
  RECORDS_USAGE,
  REPAIR_USAGE,
  VERIFY_USAGE,
} from './usage.ts';

/**
 * Each command's module is imported only when that command runs, so `--help`, `--version` and the offline commands
 * never load a cloud SDK, and a cloud command loads only its cloud's (`cloud.ts`). Usage text lives in `usage.ts`.
 */
interface CommandEntry {
  readonly usage: string;
  readonly load: () => Promise<Command>;
}

const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  plan: { usage: PLAN_USAGE, load: async () => (await import('./reconcile-commands.ts')).planCommand },
  apply: { usage: APPLY_USAGE, load: async () => (await import('./reconcile-commands.ts')).applyCommand },
  repair: { usage: REPAIR_USAGE, load: async () => (await import('./reconcile-commands.ts')).repairCommand },
  verify: { usage: VERIFY_USAGE, load: async () => (await import('./verify.ts')).verifyCommand },
  export: { usage: EXPORT_USAGE, load: async () => (await import('./export.ts')).exportCommand },
  invoke: { usage: INVOKE_USAGE, load: async () => (await import('./invoke.ts')).invokeCommand },
  records: { usage: RECORDS_USAGE, load: async () => (await import('./records.ts')).recordsCommand },
  discover: { usage: DISCOVER_USAGE, load: async () => (await import('./confluent-options.ts')).discoverCommand },
};

/** The package's version, as `linkdns --version` prints it. */
export const LINKDNS_VERSION: string = packageJson.version;

const indent = (text: string) => text.split('\n').join('\n  ');

const USAGE = `linkdns ${LINKDNS_VERSION} — keeps private DNS right for private endpoints

Usage:
  ${Object.values(COMMANDS)
    .map((command) => indent(command.usage))
    .join('\n  ')}
  linkdns --version

Credentials: each cloud SDK's standard chain (AWS profile/env/SSO, Azure CLI/env/managed identity, Google ADC).`;

/** Runs the CLI and returns the exit code; errors are printed to stderr, never to stdout. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? process.stdout : process.stderr).write(`${USAGE}\n`);
    return name ? 0 : 1;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`${LINKDNS_VERSION}\n`);
    return 0;
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
    const result = await (await command.load())(rest);
    if (result.stdout) process.stdout.write(result.stdout);
    if (result.stderr) process.stderr.write(result.stderr);
    return result.exitCode;
  } catch (error) {
    const expected = isLinkdnsError(error) || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    // A stack trace is for whoever debugs linkdns, not for whoever ran it with a bad file: ask for it explicitly.
    const detail = expected
      ? (error as Error).message
      : process.env.LINKDNS_DEBUG
        ? (error as Error).stack
        : `unexpected error: ${String(error)} (set LINKDNS_DEBUG=1 for the stack trace)`;
    process.stderr.write(`linkdns ${name}: ${detail}\n`);
    return 1;
  }
}
