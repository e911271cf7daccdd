import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * Builds the Azure Functions package: one ESM bundle of functions/azure/functions.ts (SDKs included: a bundle loads
 * faster than node_modules), host.json and a package.json whose `main` the Functions host reads. Zips it when `zip`
 * is available.
 *
 *   npx tsx infra/azure/package-functions.ts   →  infra/azure/dist/linkdns-azure/ and infra/azure/dist/linkdns-azure.zip
 *
 * Deploy with `az functionapp deployment source config-zip -g <rg> -n <app> --src infra/azure/dist/linkdns-azure.zip`,
 * or upload the zip and pass its URL as the template's `packageUri`.
 */
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const out = join(here, 'dist', 'linkdns-azure');

rmSync(join(here, 'dist'), { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(root, 'functions/azure/functions.ts')],
  outfile: join(out, 'functions.mjs'),
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  sourcemap: true,
  // Provided by the Functions Node worker at run time; @azure/functions talks to the host through it.
  external: ['@azure/functions-core'],
  // CommonJS dependencies inside an ESM bundle still call require().
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  logLevel: 'warning',
});
copyFileSync(join(root, 'functions/azure/host.json'), join(out, 'host.json'));
writeFileSync(
  join(out, 'package.json'),
  `${JSON.stringify({ name: 'linkdns-azure', private: true, type: 'module', main: 'functions.mjs' }, null, 2)}\n`,
);

try {
  execFileSync('zip', ['-qr', '../linkdns-azure.zip', '.'], { cwd: out, stdio: 'inherit' });
  console.log(`built ${join(here, 'dist', 'linkdns-azure.zip')}`);
} catch {
  console.log(`built ${out} (no zip tool: zip the folder's contents yourself)`);
}
