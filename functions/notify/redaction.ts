/**
 * Keeps secrets out of log lines. A Slack or Teams webhook URL is a bearer credential (anyone holding it can post to
 * the channel), and errors from HTTP stacks like to quote the URL they failed on. Two layers:
 * any URL in the text keeps only its origin, then every known secret value (and the telling parts of a URL: path,
 * query values, long path segments) left anywhere else is replaced.
 */

export const REDACTED = '[redacted]';

/**
 * Token shapes redacted wherever they appear, known or not: Slack tokens (`xoxb-…`, `xapp-…`) and the secret tail of
 * a Slack incoming-webhook path (`T…/B…/<token>`), which receivers like to echo back in error answers.
 */
// No word boundary before a shape: a token glued to the text before it (`…xxxoxb-…` in an echoed answer) is a token.
const TOKEN_SHAPES = [
  /xox[a-z]-[A-Za-z0-9-]{8,}/g,
  /xapp-[A-Za-z0-9-]{8,}/g,
  /T[A-Z0-9]{6,}\/B[A-Z0-9]{6,}\/[A-Za-z0-9]{8,}/g,
];

/** A function that scrubs text of the given secrets. Secrets shorter than 6 characters are ignored (too ambiguous). */
export function secretRedactor(secrets: readonly string[]): (text: string) => string {
  const fragments = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 6) continue;
    fragments.add(secret);
    fragments.add(encodeURIComponent(secret));
    if (secret.startsWith('whsec_')) fragments.add(secret.slice('whsec_'.length));
    for (const part of urlParts(secret)) fragments.add(part);
  }
  // Longest first, so a whole URL is replaced before its path is.
  const ordered = [...fragments].filter((fragment) => fragment.length >= 6).sort((a, b) => b.length - a.length);
  return (text) =>
    TOKEN_SHAPES.reduce(
      (scrubbed, shape) => scrubbed.replace(shape, REDACTED),
      ordered.reduce((scrubbed, fragment) => scrubbed.replaceAll(fragment, REDACTED), stripUrls(text)),
    );
}

function urlParts(value: string): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [];
  }
  const parts = [`${url.pathname}${url.search}`, url.pathname, url.search];
  for (const [, parameter] of url.searchParams) parts.push(parameter, encodeURIComponent(parameter));
  for (const segment of url.pathname.split('/')) if (segment.length >= 16) parts.push(segment);
  if (url.password) parts.push(url.password);
  // Destination hosts are secret too: some receivers put the tenant or the token in the hostname.
  parts.push(url.hostname);
  return parts;
}

/** `https://hooks.slack.com/services/T/B/x` → `https://hooks.slack.com/[redacted]`. */
function stripUrls(text: string): string {
  return text.replace(/\b(https?:\/\/)(?:[^@/\s"'<>]*@)?([^/\s"'<>?#]+)[^\s"'<>]*/gi, `$1$2/${REDACTED}`);
}

/** Applies a redactor to every string inside a log attribute value. */
export function redactDeep(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactDeep(item, redact));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactDeep(item, redact)]));
  }
  return value;
}
