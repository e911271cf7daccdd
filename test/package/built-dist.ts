import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DIST = join(ROOT, 'dist');
export const BIN = join(ROOT, 'bin/linkdns.js');
export const run = promisify(execFile);

/** `linkdns records` on the 3-AZ PrivateLink sample of `events/aws/cli` (what `aws ec2 describe-…` prints). */
export const SAMPLE_DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';
export const SAMPLE_RECORDS_ARGS: readonly string[] = [
  'records',
  '--domain',
  SAMPLE_DOMAIN,
  '--aws-endpoints',
  join(ROOT, 'events/aws/cli/dedicated-3az.vpc-endpoints.json'),
  '--aws-subnets',
  join(ROOT, 'events/aws/cli/dedicated-3az.subnets.json'),
];

/**
 * `npm test` builds `dist/` before vitest; a bare `npx vitest run` on a checkout without it builds it here once. (A
 * `dist/` older than your edits is yours to rebuild: `npm run build`.)
 */
export async function ensureBuilt(): Promise<void> {
  if (existsSync(join(DIST, 'cli/main.js')) && existsSync(join(DIST, 'cdk/index.js'))) return;
  await run(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), join(ROOT, 'scripts/build.ts')], {
    cwd: ROOT,
  });
}

interface Metafile {
  readonly outputs: Record<string, { readonly inputs: Record<string, unknown> }>;
}

/** The npm packages bundled into each output file of the CLI (from esbuild's metafile), by absolute path. */
export function packagesByOutput(): Map<string, Set<string>> {
  const meta = JSON.parse(readFileSync(join(DIST, 'meta/cli.json'), 'utf8')) as Metafile;
  const byOutput = new Map<string, Set<string>>();
  for (const [output, { inputs }] of Object.entries(meta.outputs)) {
    const packages = new Set<string>();
    for (const input of Object.keys(inputs)) {
      const at = input.lastIndexOf('node_modules/');
      if (at < 0) continue;
      const [scope, name] = input.slice(at + 'node_modules/'.length).split('/');
      packages.add(scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? ''));
    }
    byOutput.set(join(ROOT, output), packages);
  }
  return byOutput;
}

/** Node's own hook, preloaded: prints every file module the process loads, so a test sees what a command imported. */
export const LOAD_TRACE = `data:text/javascript,${encodeURIComponent(
  "import { registerHooks } from 'node:module'; registerHooks({ load(url, context, next) { if (url.startsWith('file:')) process.stderr.write('linkdns-test-loaded ' + url + '\\n'); return next(url, context); } });",
)}`;

/** The npm packages inside the CLI files a process loaded (`LOAD_TRACE` lines in its stderr). */
export function loadedPackages(stderr: string): Set<string> {
  const byOutput = packagesByOutput();
  const loaded = new Set<string>();
  for (const [, url] of stderr.matchAll(/^linkdns-test-loaded (\S+)$/gm)) {
    for (const name of byOutput.get(fileURLToPath(url ?? '')) ?? []) loaded.add(name);
  }
  return loaded;
}
