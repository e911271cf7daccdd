import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../core/errors.ts';

/** A file the user named, read as text; a failure names the file and the reason (`ENOENT`, `EACCES`, …). */
export async function readInputText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new InvalidInputError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** A JSON file the user named; a failure names the file and what is wrong with it. */
export async function readInputJson(file: string): Promise<unknown> {
  const text = await readInputText(file);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${file}: not valid JSON (${(error as Error).message})`);
  }
}
