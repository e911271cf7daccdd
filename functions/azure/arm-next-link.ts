/**
 * Resource Manager's hosts in the public, US Government and China clouds (Azure Resource Manager endpoints): the only
 * hosts a next link handed back through the sweep queue may point at.
 */
export const ARM_HOSTS: ReadonlySet<string> = new Set([
  'management.azure.com',
  'management.usgovcloudapi.net',
  'management.chinacloudapi.cn',
]);

/**
 * The path of an ARM next link as lower-case segments (`['subscriptions', '<id>', …]`, percent-decoded; one trailing
 * slash ignored), or `undefined` when `link` is not an https URL on an {@link ARM_HOSTS} host with the default port and no
 * user info. A listing carried on from a cursor hands the link to the SDK, which calls it with the function's bearer
 * token: the caller checks the segments against the one listing it expects, so a queue message can neither send the
 * token elsewhere nor read another collection with it. ARM's paths are case-insensitive, hence lower case.
 */
export function armNextLinkSegments(link: string): string[] | undefined {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || !ARM_HOSTS.has(url.hostname) || url.port !== '' || url.username || url.password) {
    return undefined;
  }
  try {
    // Split before decoding, so an encoded `/` stays inside its segment instead of inventing a path.
    return url.pathname
      .replace(/\/$/, '')
      .split('/')
      .slice(1)
      .map((segment) => decodeURIComponent(segment).toLowerCase());
  } catch {
    return undefined;
  }
}
