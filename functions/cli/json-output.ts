/**
 * Version of every document a `--json` flag prints. Adding a field keeps the version; renaming or removing one, or
 * changing what it means, increments it, so scripts can refuse a format they do not know.
 */
export const JSON_FORMAT_VERSION = 1;

/** A `--json` document: `format_version` first, then the command's own fields. */
export function jsonDocument(fields: object): string {
  return `${JSON.stringify({ format_version: JSON_FORMAT_VERSION, ...fields }, null, 2)}\n`;
}

/**
 * A `--json` list whose contract is a bare array (`linkdns discover`): each element carries `format_version`, so
 * the array stays what scripts iterate over and every element still says which format it is.
 */
export function jsonArrayDocument(items: readonly object[]): string {
  return `${JSON.stringify(
    items.map((item) => ({ format_version: JSON_FORMAT_VERSION, ...item })),
    null,
    2,
  )}\n`;
}
