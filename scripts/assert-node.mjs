// npm puts node_modules/.bin first on PATH, so scripts run on the pinned `node` devDependency (Node 22).
// An install with scripts disabled leaves that package empty and silently falls back to the system Node 20:
// fail loudly instead of running on an unsupported runtime.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(
    `linkdns needs Node.js 22 or newer, but this is ${process.version} (${process.execPath}).\n` +
      'Run it through npm (npm test, npm start, npx linkdns) after `npm ci` with install scripts enabled, ' +
      'so the pinned node@22 devDependency is used.',
  );
  process.exit(1);
}
