import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import type { BuildOptions } from 'esbuild';
import { HANDLER_ENTRIES, type HandlerName, REPOSITORY_ROOT } from './handler-entries.ts';

/**
 * ESM bundles have no `require`; some bundled CommonJS dependencies still call it. The alias keeps the name from
 * clashing with a bundled `createRequire` import.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as linkdnsCreateRequire } from 'node:module'; const require = linkdnsCreateRequire(import.meta.url);";

/**
 * What every linkdns bundle for Node 22 shares (Lambda, CLI, Azure and Google functions): one ESM output with its
 * packages inside, `require` available to the CommonJS ones, and real class and function names.
 */
export const NODE_BUNDLE_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
  // Error classes name themselves from `new.target.name`; reports and logs need the real names.
  keepNames: true,
  logLevel: 'warning',
  absWorkingDir: REPOSITORY_ROOT,
} as const satisfies BuildOptions;

/**
 * How every Lambda bundle is built — by `npm run build` (the pre-built assets the npm package ships), by `cdk synth` in
 * this repository, and by `npm run bench:cold-start` — so all three deploy and measure the same code. One ESM file
 * with the AWS SDK inside (it imports faster than the runtime's copy, PRODUCT.md §7), minified, with a linked source
 * map (`//# sourceMappingURL`) so `NODE_OPTIONS=--enable-source-maps` gives readable stack traces for about 16 ms and
 * 8 MiB more per cold start. Add `entryPoints` and `outfile`.
 */
export const LAMBDA_BUILD_OPTIONS = {
  ...NODE_BUNDLE_OPTIONS,
  minify: true,
  sourcemap: 'linked',
  sourcesContent: false,
} as const satisfies BuildOptions;

/** The file name the Lambda handler setting points at (`index.handler`). */
export const LAMBDA_BUNDLE_FILE = 'index.mjs';

/**
 * Set to `true` by `npm run build` in the construct library it ships (`dist/cdk/index.js`, esbuild `define`); absent
 * when this file runs from source. It chooses between the two ways {@link lambdaCode} gets a function's code.
 */
declare const LINKDNS_PACKAGED_LAMBDA_CODE: boolean | undefined;

/**
 * A linkdns function's code. From the npm package: the bundle `npm run build` put next to the library
 * (`dist/lambda/<handler>/`), so a consumer's synth needs no esbuild, no copy of this repository and no lockfile. From
 * this repository: bundled from source at synth with the same options, as local asset bundling (no Docker), which
 * CDK skips for stacks outside `aws:cdk:bundling-stacks` like it does for `NodejsFunction`.
 */
export function lambdaCode(handler: HandlerName): Code {
  if (typeof LINKDNS_PACKAGED_LAMBDA_CODE !== 'undefined' && LINKDNS_PACKAGED_LAMBDA_CODE) {
    return Code.fromAsset(fileURLToPath(new URL(`../lambda/${handler}`, import.meta.url)));
  }
  const entry = HANDLER_ENTRIES[handler];
  return Code.fromAsset(dirname(entry), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling always succeeds or throws.
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs22.x'),
      // CDK caches staging by source path and bundling options, and the handlers share a folder: this tells them apart.
      environment: { LINKDNS_HANDLER: handler },
      local: {
        tryBundle(outputDir) {
          // Loaded here, not imported: the packaged library never bundles and must not need esbuild.
          const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
          esbuild.buildSync({
            ...LAMBDA_BUILD_OPTIONS,
            entryPoints: [entry],
            outfile: `${outputDir}/${LAMBDA_BUNDLE_FILE}`,
          });
          return true;
        },
      },
    },
  });
}
