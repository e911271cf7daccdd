/** Fails the run when vitest was started on the system Node 20 (e.g. `node_modules/.bin/vitest` called directly). */
export default function assertNode22(): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    throw new Error(`Tests need Node.js 22+, got ${process.version}. Run them with \`npm test\`.`);
  }
}
