#!/usr/bin/env node
// Entry for `linkdns` (installed package) and `npx linkdns` (a checkout, where npx puts the pinned Node 22 first).
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(`linkdns needs Node.js 22+, got ${process.version}.\n`);
  process.exit(1);
}
// V8 keeps the compiled CLI on disk (os.tmpdir()/node-compile-cache) after the first run: later starts skip most of
// the parse and compile of the bundle (NODE_DISABLE_COMPILE_CACHE=1 turns it off).
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
let cli;
try {
  // The built CLI (`npm run build`): what the package ships. No TypeScript compiled at start.
  cli = await import('../dist/cli/main.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli/main.js')) throw error;
  // A checkout without a build: run the sources through tsx (a dev dependency), and say so.
  process.stderr.write('linkdns: dist/ is not built (npm run build); running from source with tsx, slowly\n');
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../functions/cli/main.ts');
}
process.exitCode = await cli.runCli(process.argv.slice(2));
