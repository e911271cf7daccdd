import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HANDLER_ENTRIES, type HandlerName } from '../infra/lib/handler-entries.ts';
import { buildAll, DIST, listFiles, REPOSITORY_ROOT } from './build.ts';
import { createZip } from './zip.ts';

/**
 * `npm run package`: `npm run build`, then the release artifacts in `dist/release/`, offline:
 *
 *   linkdns-lambda-<handler>-<version>.zip   one per Lambda function (index.mjs + source map; handler index.handler)
 *   linkdns-azure-functions-<version>.zip    the Azure Functions app: the ARM template's `packageUri`, or
 *                                            `az functionapp deployment source config-zip`
 *   linkdns-gcp-functions-<version>.zip      the Google Cloud Functions source (`scripts/deploy-gcp.sh`)
 *   linkdns-<version>.tgz                    the npm package (`npm install -g ./linkdns-<version>.tgz`)
 *   SHA256SUMS                               `sha256sum -c SHA256SUMS` checks them
 *
 * Zips are written in Node (scripts/zip.ts) with fixed timestamps: the same sources give the same bytes.
 */
export const RELEASE = join(DIST, 'release');

/** A folder's files as zip entries, paths relative to the folder (the zip's root is the folder's contents). */
async function zipFolder(folder: string, target: string): Promise<void> {
  const entries = await Promise.all(
    (await listFiles(folder)).map(async (file) => ({
      name: relative(folder, file).split('\\').join('/'),
      data: await readFile(file),
    })),
  );
  await writeFile(target, createZip(entries));
}

/** `npm pack` with the npm that runs this script; the tarball lands in `dist/release/`. */
async function packNpm(): Promise<string> {
  const npm = process.env.npm_execpath;
  const [command, args] = npm ? [process.execPath, [npm]] : ['npm', []];
  const { stdout } = await promisify(execFile)(
    command,
    [...args, 'pack', '--json', '--pack-destination', RELEASE, '--ignore-scripts', '--offline'],
    { cwd: REPOSITORY_ROOT, maxBuffer: 16 * 1024 * 1024 },
  );
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  if (!packed) throw new Error('npm pack wrote no tarball');
  return join(RELEASE, basename(packed.filename));
}

export async function packageRelease(): Promise<string[]> {
  const { version } = JSON.parse(await readFile(join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as { version: string };
  await buildAll();
  await rm(RELEASE, { recursive: true, force: true });
  await mkdir(RELEASE, { recursive: true });
  const artifacts: string[] = [];
  for (const handler of Object.keys(HANDLER_ENTRIES) as HandlerName[]) {
    const target = join(RELEASE, `linkdns-lambda-${handler}-${version}.zip`);
    await zipFolder(join(DIST, 'lambda', handler), target);
    artifacts.push(target);
  }
  const azure = join(RELEASE, `linkdns-azure-functions-${version}.zip`);
  await zipFolder(join(DIST, 'azure'), azure);
  const gcp = join(RELEASE, `linkdns-gcp-functions-${version}.zip`);
  await zipFolder(join(DIST, 'gcp'), gcp);
  artifacts.push(azure, gcp, await packNpm());

  const sums = await Promise.all(
    artifacts.map(
      async (file) =>
        `${createHash('sha256')
          .update(await readFile(file))
          .digest('hex')}  ${basename(file)}`,
    ),
  );
  await writeFile(join(RELEASE, 'SHA256SUMS'), `${sums.sort().join('\n')}\n`);
  return artifacts;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const artifacts = await packageRelease();
  for (const file of [...artifacts, join(RELEASE, 'SHA256SUMS')]) {
    const { size } = await stat(file);
    console.log(`${(size / 1024 / 1024).toFixed(2).padStart(7)} MiB  ${relative(REPOSITORY_ROOT, file)}`);
  }
  console.log(`packaged in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
