/**
 * Version of every document a `--json` flag prints. Adding a field keeps the version; renaming or removing one, or
 * changing what it means, increments it, so scripts can refuse a format they do not know.
 */
export const JSON_FORMAT_VERSION = 1;

/** A `--json` document: `format_version` first, then the command's own fields. */
export function jsonDocument(fields: object): string {
  return `${JSON.stringify({ format_version: JSON_FORMAT_VERSION, ...fields }, null, 2)}\n`;
}
