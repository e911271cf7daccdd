import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';
import { HANDLER_ENTRIES, type HandlerName, REPOSITORY_ROOT } from '../infra/lib/handler-entries.ts';
import { LAMBDA_BUILD_OPTIONS } from '../infra/lib/lambda-code.ts';

/**
 * `npm run bench:cold-start`: how big each Lambda bundle is and how long a fresh Node 22 takes to import its
 * `handler`, as the deployed function would on a cold start. Exits non-zero when a bundle fails to build, fails to
 * load without any environment, or has no `handler` function.
 *
 *   npm run bench:cold-start                 5 measured runs per bundle (≈ 20 s)
 *   npm run bench:cold-start -- --runs 10
 *
 * The esbuild options are those of the deployed bundles (`LAMBDA_BUILD_OPTIONS`, infra/lib/lambda-code.ts).
 */
const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(args.runs);
if (!Number.isInteger(runs) || runs <= 0) throw new RangeError('--runs must be a positive integer');

/** The deployed bundle: the options `npm run build` and `cdk synth` use (`bundleAwsSDK` → no externals). */
const DEPLOYED_OPTIONS: BuildOptions = { ...LAMBDA_BUILD_OPTIONS, external: [] };

interface Variant {
  readonly name: string;
  readonly description: string;
  readonly options: BuildOptions;
  /** The bundle may resolve packages from the repository's node_modules (only the AWS SDK, here). */
  readonly needsNodeModules: boolean;
}

const VARIANTS: readonly Variant[] = [
  {
    name: 'deployed',
    description: 'as deployed: AWS SDK bundled, linked source map',
    options: DEPLOYED_OPTIONS,
    needsNodeModules: false,
  },
  {
    name: 'sdk-external',
    description: '@aws-sdk/* left external and loaded from node_modules (what "not bundling the SDK" means)',
    options: { ...DEPLOYED_OPTIONS, external: ['@aws-sdk/*'] },
    needsNodeModules: true,
  },
];

/** Flags the deployed function runs with (`NODE_OPTIONS` in the construct's environment). */
const NODE_FLAGS = ['--enable-source-maps'];
const CHILD_TIMEOUT_MS = 15_000;

/**
 * Runs in the child: the import is timed in-process; `performance.now()` after it is the time since the process
 * started, Node's own bootstrap included (roughly what Lambda reports as Init Duration, minus the runtime's).
 */
const IMPORT_PROBE = `
const started = performance.now();
const loaded = await import(process.argv[1]);
const ready = performance.now();
console.log(JSON.stringify({ importMs: ready - started, readyMs: ready, handlerType: typeof loaded.handler, rssBytes: process.memoryUsage().rss }));
`;

interface Bundle {
  readonly handler: HandlerName;
  readonly variant: Variant;
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly mapBytes: number;
  readonly mapGzipBytes: number;
}

interface ImportSample {
  readonly importMs: number;
  readonly readyMs: number;
  readonly handlerType: string;
  readonly rssBytes: number;
}

const runChild = promisify(execFile);
const problems: string[] = [];
const workDir = await mkdtemp(join(tmpdir(), 'linkdns-cold-start-'));
try {
  // Self-contained bundles live where no node_modules can be found, as on Lambda, so a dependency esbuild failed to
  // bundle fails the import instead of quietly loading from the repository.
  const isolatedDir = join(workDir, 'isolated');
  const withModulesDir = join(workDir, 'with-node-modules');
  await mkdir(withModulesDir, { recursive: true });
  await symlink(join(REPOSITORY_ROOT, 'node_modules'), join(withModulesDir, 'node_modules'), 'dir');

  const started = performance.now();
  const bundles: Bundle[] = [];
  for (const handler of Object.keys(HANDLER_ENTRIES) as HandlerName[]) {
    for (const variant of VARIANTS) {
      const outDir = join(variant.needsNodeModules ? withModulesDir : isolatedDir, handler, variant.name);
      try {
        bundles.push(await buildBundle(handler, variant, outDir));
      } catch (error) {
        problems.push(`${handler} (${variant.name}): build failed: ${messageOf(error)}`);
      }
    }
  }
  const buildSeconds = (performance.now() - started) / 1000;

  // One discarded import per bundle first, so every bundle is measured with its files in the page cache; then the
  // measured runs round-robin over the bundles so drift in machine load spreads evenly.
  const samples = new Map<Bundle, ImportSample[]>(bundles.map((bundle) => [bundle, []]));
  const failed = new Set<Bundle>();
  for (let run = 0; run <= runs; run++) {
    for (const bundle of bundles) {
      if (failed.has(bundle)) continue;
      try {
        const sample = await importInFreshProcess(bundle.file);
        if (sample.handlerType !== 'function') {
          throw new TypeError(`its handler export is ${sample.handlerType}, not a function`);
        }
        if (run > 0) samples.get(bundle)?.push(sample);
      } catch (error) {
        failed.add(bundle);
        problems.push(`${bundle.handler} (${bundle.variant.name}): import failed: ${messageOf(error)}`);
      }
    }
  }
  const totalSeconds = (performance.now() - started) / 1000;

  printTable(bundles, samples, failed);
  console.log(
    `\nbuilds ${buildSeconds.toFixed(1)} s, total ${totalSeconds.toFixed(1)} s; ${runs} measured runs per bundle after ` +
      `one discarded warm-up; ${process.version} ${process.arch}, ${NODE_FLAGS.join(' ')}, empty environment`,
  );
  if (problems.length > 0) {
    console.log(`\nFAILED:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    process.exitCode = 1;
  }
} catch (error) {
  console.error('cold-start bench failed:', error);
  process.exitCode = 1;
} finally {
  await rm(workDir, { recursive: true, force: true });
}

async function buildBundle(handler: HandlerName, variant: Variant, outDir: string): Promise<Bundle> {
  const file = join(outDir, 'index.mjs');
  await build({ ...variant.options, entryPoints: [HANDLER_ENTRIES[handler]], outfile: file });
  const [code, map] = await Promise.all([readFile(file), readFile(`${file}.map`)]);
  return {
    handler,
    variant,
    file,
    bytes: code.byteLength,
    gzipBytes: gzipSync(code).byteLength,
    mapBytes: map.byteLength,
    mapGzipBytes: gzipSync(map).byteLength,
  };
}

/** Imports the bundle in a new Node process with the deployed flags and no environment at all. */
async function importInFreshProcess(file: string): Promise<ImportSample> {
  const { stdout } = await runChild(
    process.execPath,
    [...NODE_FLAGS, '--input-type=module', '--eval', IMPORT_PROBE, pathToFileURL(file).href],
    { env: {}, cwd: workDir, timeout: CHILD_TIMEOUT_MS, maxBuffer: 1024 * 1024 },
  );
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1] ?? '') as ImportSample;
}

function printTable(
  bundles: readonly Bundle[],
  samples: ReadonlyMap<Bundle, readonly ImportSample[]>,
  failed: ReadonlySet<Bundle>,
): void {
  const header = [
    'handler',
    'variant',
    'index.mjs',
    'gzip',
    '.map',
    'map gzip',
    'import min',
    'import median',
    'ready median',
    'RSS median',
  ];
  const rows = bundles.map((bundle) => {
    const measured = failed.has(bundle) ? [] : (samples.get(bundle) ?? []);
    const imports = measured.map((sample) => sample.importMs);
    return [
      bundle.handler,
      bundle.variant.name,
      kib(bundle.bytes),
      kib(bundle.gzipBytes),
      kib(bundle.mapBytes),
      kib(bundle.mapGzipBytes),
      imports.length > 0 ? milliseconds(Math.min(...imports)) : 'failed',
      imports.length > 0 ? milliseconds(median(imports)) : 'failed',
      imports.length > 0 ? milliseconds(median(measured.map((sample) => sample.readyMs))) : 'failed',
      imports.length > 0 ? mib(median(measured.map((sample) => sample.rssBytes))) : 'failed',
    ];
  });
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)));
  console.log('linkdns Lambda bundles: size and cold import of `handler` (fresh Node process each run)\n');
  for (const variant of VARIANTS) console.log(`  ${variant.name.padEnd(12)} ${variant.description}`);
  console.log(
    '\n  import = in-process `await import(bundle)`; ready = process start to handler imported (Node bootstrap ' +
      'included); gzip ≈ the deployment zip\n',
  );
  console.log(line(header).join('  '));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const row of rows) console.log(line(row).join('  '));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const esbuildErrors = (error as { errors?: readonly { text: string }[] }).errors;
  if (esbuildErrors?.length) return esbuildErrors.map((message) => message.text).join('; ');
  const child = error as Error & { killed?: boolean; code?: unknown; stderr?: unknown };
  if (child.killed) return `no result within ${CHILD_TIMEOUT_MS / 1000} s`;
  if (typeof child.stderr !== 'string' || !child.stderr.trim()) return error.message.split('\n')[0] ?? error.message;
  // Node prints the failing source line and a caret first; the thrown error and where it came from say enough.
  const lines = child.stderr.split('\n');
  const thrown = lines.findIndex((line) => /^[\w.]*(Error|Exception)\b/.test(line));
  const detail = thrown >= 0 ? lines.slice(thrown, thrown + 2) : lines.filter((line) => line.trim()).slice(-3);
  return `child exited with code ${String(child.code)}: ${detail.map((line) => line.trim()).join(' ')}`;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function milliseconds(value: number): string {
  return `${value.toFixed(0)} ms`;
}
