import type { z } from 'zod';
import { InvalidInputError } from './errors.ts';

/** Each schema problem as `path: message` (`(root)` for the value itself), for messages that name the field. */
export function schemaProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`);
}

/**
 * Parses an input resource (an API body, a CLI output item) or throws naming it — `<label> <id>: <field>: <problem>` —
 * with the resource's `id` when it has one.
 *
 * @throws InvalidInputError
 */
export function parseResource<T extends z.ZodType>(schema: T, value: unknown, label: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const id =
    typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string'
      ? ` ${(value as { id: string }).id}`
      : '';
  throw new InvalidInputError(`${label}${id}: ${schemaProblems(parsed.error).join('; ')}`);
}
