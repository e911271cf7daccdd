/**
 * Compiled patterns: a repair checks every endpoint of an account against every mapping's pattern, so each pattern is
 * compiled once, not once per endpoint (100 mappings x 10,000 endpoints was a million compilations a run). Patterns
 * come from the configuration, so there are few; the cache is emptied should it ever grow past a few hundred.
 */
const compiled = new Map<string, RegExp>();
const MOST_PATTERNS_KEPT = 512;

/** Case-insensitive glob: `*` any run of characters, `?` one character. */
export function globMatches(pattern: string, value: string): boolean {
  let expression = compiled.get(pattern);
  if (!expression) {
    const source = pattern
      .split('')
      .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
      .join('');
    expression = new RegExp(`^${source}$`, 'i');
    if (compiled.size >= MOST_PATTERNS_KEPT) compiled.clear();
    compiled.set(pattern, expression);
  }
  return expression.test(value);
}
