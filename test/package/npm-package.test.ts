import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST, ensureBuilt, ROOT, run, SAMPLE_DOMAIN, SAMPLE_RECORDS_ARGS } from './built-dist.ts';

const DOMAIN = SAMPLE_DOMAIN;
const NPM = process.env.npm_execpath;

/** npm, the one running `npm test` when there is one; offline: nothing here may reach a registry. */
async function npm(args: readonly string[], cwd: string) {
  const [command, prefix] = NPM ? [process.execPath, [NPM]] : ['npm', []];
  return run(command, [...prefix, ...args, '--offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    env: { ...process.env, PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}` },
    maxBuffer: 16 * 1024 * 1024,
  });
}

/**
 * The npm package as a user gets it: `npm pack`, installed globally into an empty prefix with no registry, and a
 * separate CDK app that imports `linkdns/cdk` from the tarball and synthesises with the pre-built Lambda code.
 */
describe('the npm package', () => {
  let work: string;
  let tarball: string;

  beforeAll(async () => {
    await ensureBuilt();
    work = await mkdtemp(join(tmpdir(), 'linkdns-package-'));
    const { stdout } = await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work], ROOT);
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    tarball = join(work, packed?.filename ?? '');
  }, 180_000);

  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('declares no dependencies (all bundled), Node 22+, the exports and the types it ships', async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;

    expect(manifest.dependencies, 'runtime packages are bundled by npm run build: add them to devDependencies').toBe(
      undefined,
    );
    expect(manifest.private).toBe(undefined);
    expect(manifest.engines).toEqual({ node: '>=22' });
    expect(manifest.exports).toMatchObject({
      './cdk': { types: './dist/types/infra/lib/index.d.ts', default: './dist/cdk/index.js' },
    });
    expect(existsSync(join(DIST, 'types/infra/lib/index.d.ts'))).toBe(true);
    expect(existsSync(tarball)).toBe(true);
  });

  it('installs globally from the tarball with no registry and runs linkdns --version and records', async () => {
    const prefix = join(work, 'global');
    await npm(['install', '--global', '--prefix', prefix, tarball], work);
    const linkdns = join(prefix, 'bin', 'linkdns');
    const env = { ...process.env, PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`, NO_COLOR: '1' };

    const version = await run(linkdns, ['--version'], { env, cwd: work });
    const records = await run(linkdns, SAMPLE_RECORDS_ARGS, { env, cwd: work });

    const { version: expected } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(version.stdout).toBe(`${expected}\n`);
    expect(records.stdout).toMatch(
      new RegExp(`^\\*\\.use2-az1\\.${DOMAIN.replaceAll('.', '\\.')}\\s+CNAME\\s+60`, 'm'),
    );
    // Nothing was installed next to it: the CLI is self-contained.
    expect(existsSync(join(prefix, 'lib/node_modules/linkdns/node_modules'))).toBe(false);
    expect(records.stderr).toBe('');
  }, 180_000);

  it('is a CDK construct library: another app imports linkdns/cdk and synthesises with the pre-built Lambda code', async () => {
    // A separate app: the tarball installed from the file, aws-cdk-lib and constructs (peer dependencies) from this
    // repository's node_modules — no registry, no esbuild call, no lockfile of this repository.
    const app = join(work, 'consumer-app');
    await mkdir(join(app, 'node_modules'), { recursive: true });
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', private: true, type: 'module' }));
    await npm(['install', '--no-package-lock', tarball], app);
    await symlink(join(ROOT, 'node_modules/aws-cdk-lib'), join(app, 'node_modules/aws-cdk-lib'), 'dir');
    await symlink(join(ROOT, 'node_modules/constructs'), join(app, 'node_modules/constructs'), 'dir');
    await mkdir(join(app, 'node_modules/@types'));
    await symlink(join(ROOT, 'node_modules/@types/node'), join(app, 'node_modules/@types/node'), 'dir');
    await writeFile(
      join(app, 'app.ts'),
      `import { App, Stack } from 'aws-cdk-lib';
import { PrivateLinkDns, type PrivateLinkDnsProps, PrivateLinkDnsSpoke } from 'linkdns/cdk';

const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'Consumer', { env: { account: '111111111111', region: 'us-east-2' } });
const props: PrivateLinkDnsProps = {
  config: {
    owner: 'consumer-test',
    mappings: [{ service: 'com.amazonaws.vpce.us-east-2.vpce-svc-*', domain: '${DOMAIN}' }],
  },
  managedZoneIds: ['Z0123456789ABCDEFGHIJ'],
};
const dns = new PrivateLinkDns(stack, 'Dns', props);
const owner: string = dns.config.owner;
// @ts-expect-error the props are readonly
props.managedZoneIds = [];
const spoke = new Stack(app, 'Spoke', { env: { account: '222222222222', region: 'us-east-2' } });
new PrivateLinkDnsSpoke(spoke, 'Reader', { centralAccount: '111111111111' });
app.synth();
console.log(owner);
`,
    );
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2023',
          lib: ['es2023', 'esnext.disposable'],
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          noEmit: true,
          types: ['node'],
        },
        files: ['app.ts'],
      }),
    );

    // The types resolve through the package's exports and check the consumer's code (skipLibCheck off).
    const typecheck = await run(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      {
        cwd: app,
      },
    ).catch((error: { stdout?: string }) => ({ stdout: `tsc failed:\n${error.stdout}` }));
    expect(typecheck.stdout).toBe('');
    // Node 22 runs the app as TypeScript by stripping the types, as a CDK app with `"app": "node app.ts"` would.
    const started = performance.now();
    const synth = await run(process.execPath, ['--experimental-strip-types', '--no-warnings', 'app.ts'], { cwd: app });
    const synthSeconds = (performance.now() - started) / 1000;
    console.log(`consumer app synth: ${synthSeconds.toFixed(1)} s`);

    expect(synth.stdout.trim()).toBe('consumer-test');
    const template = JSON.parse(await readFile(join(app, 'cdk.out/Consumer.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const functions = Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Lambda::Function');
    // Endpoint events, zone events, the repair coordinator (on the schedule) and the repair worker (on the sweep queue).
    expect(functions).toHaveLength(4);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Handler: 'index.handler',
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
      });
    }
    // Each function's asset is the bundle the package ships, byte for byte: nothing was bundled at synth.
    const manifest = JSON.parse(await readFile(join(app, 'cdk.out/Consumer.assets.json'), 'utf8')) as {
      files: Record<string, { source: { path: string } }>;
    };
    const shipped = await Promise.all(
      ['endpointEvents', 'zoneEvents', 'repairCoordinator', 'repairWorker'].map((handler) =>
        readFile(join(app, 'node_modules/linkdns/dist/lambda', handler, 'index.mjs'), 'utf8'),
      ),
    );
    const staged = await Promise.all(
      Object.values(manifest.files)
        .filter((file) => existsSync(join(app, 'cdk.out', file.source.path, 'index.mjs')))
        .map((file) => readFile(join(app, 'cdk.out', file.source.path, 'index.mjs'), 'utf8')),
    );
    expect(staged.sort()).toEqual(shipped.sort());
    const spokeTemplate = JSON.parse(await readFile(join(app, 'cdk.out/Spoke.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    expect(Object.values(spokeTemplate.Resources).map((resource) => resource.Type)).toContain('AWS::IAM::Role');
  }, 300_000);
});
