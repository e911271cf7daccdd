import { isLinkdnsError } from '../core/errors.ts';
import type { Command } from './command.ts';
import { EXPORT_USAGE, exportCommand } from './export.ts';
import { RECORDS_USAGE, recordsCommand } from './records.ts';
import { VERIFY_USAGE, verifyCommand } from './verify.ts';

const COMMANDS: Readonly<Record<string, Command>> = {
  records: recordsCommand,
  export: exportCommand,
  verify: verifyCommand,
};

const USAGE = `linkdns — keeps private DNS right for private endpoints

Usage:
  ${[RECORDS_USAGE, EXPORT_USAGE, VERIFY_USAGE].map((usage) => usage.split('\n').join('\n  ')).join('\n  ')}

Run \`linkdns <command> --help\` for a command's options.`;

/** Runs the CLI and returns the exit code; errors are printed to stderr, never to stdout. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`linkdns: unknown command "${name}"\n\n${USAGE}\n`);
    return 1;
  }
  try {
    const result = await command(rest);
    if (result.stdout) process.stdout.write(result.stdout);
    if (result.stderr) process.stderr.write(result.stderr);
    return result.exitCode;
  } catch (error) {
    const expected = isLinkdnsError(error) || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`linkdns ${name}: ${expected ? (error as Error).message : (error as Error).stack}\n`);
    return 1;
  }
}
