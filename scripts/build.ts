import { execFile } from 'node:child_process';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import { z } from 'zod';
import { configSchema } from '../functions/core/config.ts';
import { HANDLER_ENTRIES, type HandlerName } from '../infra/lib/handler-entries.ts';
import { LAMBDA_BUILD_OPTIONS, LAMBDA_BUNDLE_FILE, NODE_BUNDLE_OPTIONS } from '../infra/lib/lambda-code.ts';

/**
 * `npm run build`: everything the npm package and the release artifacts ship, into `dist/`. Offline, a few seconds.
 *
 *   dist/cli/            the CLI (`bin/linkdns.js` runs it): one small entry, each command and each cloud a chunk that
 *                        is imported only when that command runs (`functions/cli/main.ts`, `cloud.ts`)
 *   dist/lambda/<name>/  the three Lambda bundles (the construct library's pre-built code)
 *   dist/cdk/index.js    `linkdns/cdk`: PrivateLinkDns and PrivateLinkDnsSpoke; aws-cdk-lib and constructs are peers
 *   dist/types/          declarations for `linkdns/cdk` (tsc --emitDeclarationOnly)
 *   dist/azure/          the Azure Functions app (functions.mjs, host.json, package.json)
 *   dist/gcp/            the Google Cloud Functions source (index.mjs, package.json)
 *   dist/linkdns-config.schema.json   the configuration's JSON Schema, generated from the zod schema
 *   dist/meta/           esbuild metafiles (what each output holds; not shipped)
 *
 * Every runtime dependency is bundled: the package declares none, so `npm install -g linkdns-<version>.tgz` needs no
 * registry.
 */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../', import.meta.url));
export const DIST = join(REPOSITORY_ROOT, 'dist');

/** The options every linkdns bundle shares, plus a metafile (`dist/meta/`: what each output holds). */
const NODE_BUNDLE: BuildOptions = { ...NODE_BUNDLE_OPTIONS, metafile: true };

/** `@google-cloud/functions-framework`: the Google runtime loads its own copy, and the functions register with it. */
const FUNCTIONS_FRAMEWORK = '@google-cloud/functions-framework';

/** Cloud Functions' Node runtime; the functions' `package.json` asks for it. */
export const GCP_FUNCTION_FILES = { entry: 'index.mjs', manifest: 'package.json' } as const;

/**
 * zod's `z` namespace carries every locale (about 40% of zod in a bundle), and a namespace defeats tree shaking.
 * linkdns reports in English, the locale zod configures itself with (`config(en())` in zod/v4/classic/external.js),
 * and never reads `z.locales`: the bundle keeps English only. Parsing less is most of a fast start.
 */
const ENGLISH_ONLY_ZOD_LOCALES: Plugin = {
  name: 'zod-english-only',
  setup(build) {
    build.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: dirname(args.path),
    }));
  },
};

async function buildCli(): Promise<void> {
  const result = await build({
    ...NODE_BUNDLE,
    entryPoints: { main: join(REPOSITORY_ROOT, 'functions/cli/main.ts') },
    outdir: join(DIST, 'cli'),
    // Each dynamic import() becomes a chunk loaded on first use: `--help` parses only the entry.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    minify: true,
    plugins: [ENGLISH_ONLY_ZOD_LOCALES],
    // Supplied by the Azure Functions worker at run time; @azure/functions only needs it inside the host.
    external: ['@azure/functions-core'],
  });
  await writeMeta('cli', result.metafile);
}

async function buildLambdas(): Promise<void> {
  for (const handler of Object.keys(HANDLER_ENTRIES) as HandlerName[]) {
    const result = await build({
      ...LAMBDA_BUILD_OPTIONS,
      metafile: true,
      entryPoints: [HANDLER_ENTRIES[handler]],
      outfile: join(DIST, 'lambda', handler, LAMBDA_BUNDLE_FILE),
    });
    await writeMeta(`lambda-${handler}`, result.metafile);
  }
}

/** The construct library: the constructs and the core they validate configuration with; CDK itself is the peer's. */
async function buildCdkLibrary(): Promise<void> {
  const result = await build({
    ...NODE_BUNDLE,
    banner: {},
    entryPoints: [join(REPOSITORY_ROOT, 'infra/lib/index.ts')],
    outfile: join(DIST, 'cdk', 'index.js'),
    external: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'esbuild'],
    // lambdaCode() takes the pre-built bundles in dist/lambda/ (infra/lib/lambda-code.ts).
    define: { LINKDNS_PACKAGED_LAMBDA_CODE: 'true' },
  });
  await writeMeta('cdk', result.metafile);
}

/** The Azure Functions app: one ESM bundle (SDKs inside), host.json and the package.json whose `main` the host reads. */
async function buildAzureFunctions(): Promise<void> {
  const out = join(DIST, 'azure');
  const result = await build({
    ...NODE_BUNDLE,
    entryPoints: [join(REPOSITORY_ROOT, 'functions/azure/functions.ts')],
    outfile: join(out, 'functions.mjs'),
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    external: ['@azure/functions-core'],
  });
  await writeMeta('azure', result.metafile);
  await copyFile(join(REPOSITORY_ROOT, 'functions/azure/host.json'), join(out, 'host.json'));
  await writeJson(join(out, 'package.json'), {
    name: 'linkdns-azure',
    private: true,
    type: 'module',
    main: 'functions.mjs',
  });
}

/**
 * The Google Cloud Functions source: one bundle with everything but the Functions Framework, which Cloud Build
 * installs from the package.json (pinned to the version this repository tests with).
 */
async function buildGcpFunctions(version: string, frameworkVersion: string): Promise<void> {
  const out = join(DIST, 'gcp');
  const result = await build({
    ...NODE_BUNDLE,
    entryPoints: [join(REPOSITORY_ROOT, 'functions/gcp/functions.ts')],
    outfile: join(out, GCP_FUNCTION_FILES.entry),
    minify: true,
    sourcemap: 'linked',
    sourcesContent: false,
    external: [FUNCTIONS_FRAMEWORK],
  });
  await writeMeta('gcp', result.metafile);
  await writeJson(join(out, GCP_FUNCTION_FILES.manifest), {
    name: 'linkdns-gcp',
    version,
    private: true,
    type: 'module',
    main: GCP_FUNCTION_FILES.entry,
    engines: { node: '>=22' },
    dependencies: { [FUNCTIONS_FRAMEWORK]: frameworkVersion },
  });
}

/** The configuration's JSON Schema, from the zod schema the functions parse it with (input side: defaults optional). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://github.com/linkdns/linkdns/linkdns-config.schema.json',
    title: 'linkdns configuration',
  };
}

/**
 * Declarations of `linkdns/cdk`; relative `.ts` specifiers become `.js` so any consumer's resolution finds them. The
 * configuration's type is zod's `z.input` of the schema, and zod is bundled, not a dependency: its declarations (MIT,
 * types only, never run) are copied to `dist/types/vendor/zod/` and the imports point there.
 */
async function buildTypes(): Promise<void> {
  const types = join(DIST, 'types');
  await promisify(execFile)(
    process.execPath,
    [join(REPOSITORY_ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    { cwd: REPOSITORY_ROOT },
  );
  const zod = join(REPOSITORY_ROOT, 'node_modules/zod');
  const vendoredZod = join(types, 'vendor/zod');
  for (const file of await listFiles(zod)) {
    const path = relative(zod, file);
    if (path.startsWith('src/') || !(path.endsWith('.d.ts') || path === 'LICENSE')) continue;
    await mkdir(dirname(join(vendoredZod, path)), { recursive: true });
    await copyFile(file, join(vendoredZod, path));
  }
  for (const file of await listFiles(types)) {
    if (file.startsWith(vendoredZod)) continue;
    const zodIndex = relative(dirname(file), join(vendoredZod, 'index.js')).split('\\').join('/');
    const text = await readFile(file, 'utf8');
    await writeFile(
      file,
      text.replace(/(from\s+'\.{1,2}\/[^']+)\.ts'/g, "$1.js'").replace(/from\s+'zod'/g, `from '${zodIndex}'`),
    );
  }
}

async function writeMeta(name: string, metafile: unknown): Promise<void> {
  await mkdir(join(DIST, 'meta'), { recursive: true });
  await writeFile(join(DIST, 'meta', `${name}.json`), JSON.stringify(metafile));
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

export async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Builds all of `dist/` except `dist/release/` (`npm run package`). */
export async function buildAll(): Promise<void> {
  const packageJson = JSON.parse(await readFile(join(REPOSITORY_ROOT, 'package.json'), 'utf8')) as {
    version: string;
    devDependencies: Record<string, string>;
  };
  const frameworkVersion = packageJson.devDependencies[FUNCTIONS_FRAMEWORK];
  if (!frameworkVersion) throw new Error(`package.json: ${FUNCTIONS_FRAMEWORK} is not a devDependency`);
  for (const part of ['cli', 'lambda', 'cdk', 'types', 'azure', 'gcp', 'meta', 'linkdns-config.schema.json']) {
    await rm(join(DIST, part), { recursive: true, force: true });
  }
  await mkdir(join(DIST, 'azure'), { recursive: true });
  await Promise.all([
    buildCli(),
    buildLambdas(),
    buildCdkLibrary(),
    buildAzureFunctions(),
    buildGcpFunctions(packageJson.version, frameworkVersion),
    buildTypes(),
    writeJson(join(DIST, 'linkdns-config.schema.json'), configJsonSchema()),
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await buildAll();
  const files = (await listFiles(DIST)).filter((file) => !file.includes('/release/') && !file.includes('/meta/'));
  const bytes = (await Promise.all(files.map((file) => stat(file)))).reduce((sum, info) => sum + info.size, 0);
  console.log(
    `built ${relative(REPOSITORY_ROOT, DIST)}/: ${files.length} files, ${(bytes / 1024 / 1024).toFixed(1)} MiB, ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
