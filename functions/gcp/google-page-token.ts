/**
 * What a Google API page token is made of (URL-safe base64 and the like), and no longer than a queue message needs.
 * Cloud DNS and Compute hand out `nextPageToken` and take it back as the `pageToken` query parameter; the token is
 * opaque, and one Google did not issue is answered with 400 `invalid`. So a token carried in a queue message is checked
 * for shape only, before any call: nothing but a token's characters ever reaches a request's query string.
 * @see https://cloud.google.com/compute/docs/reference/rest/v1/forwardingRules/list (pageToken, nextPageToken)
 * @see https://cloud.google.com/dns/docs/reference/rest/v1/managedZones/list (pageToken, nextPageToken)
 */
const PAGE_TOKEN = /^[A-Za-z0-9_\-=+/.~]{1,2048}$/;

/** True when `text` has the shape of a Google page token (see {@link PAGE_TOKEN}). */
export function isGooglePageToken(text: string): boolean {
  return PAGE_TOKEN.test(text);
}
