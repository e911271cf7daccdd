/** What a CLI command produces; `main.ts` writes it out, so commands stay testable without a process. */
export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr?: string;
}

export type Command = (argv: readonly string[]) => Promise<CommandResult>;
