#!/usr/bin/env node
// Entry for `npx linkdns`. npx puts node_modules/.bin first on PATH, so `node` here is the pinned Node 22.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `linkdns needs Node.js 22+, got ${process.version}; run it as \`npx linkdns\` after \`npm ci\`.\n`,
  );
  process.exit(1);
}
const { register } = await import('tsx/esm/api');
register();
const { runCli } = await import('../functions/cli/main.ts');
process.exitCode = await runCli(process.argv.slice(2));
