import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, type Stack } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/core/errors.ts';
import { readAppContext } from '../../infra/lib/app-context.ts';
import { ESM_REQUIRE_BANNER } from '../../infra/lib/lambda-code.ts';
import { defineLinkdnsApp } from '../../infra/lib/linkdns-app.ts';
import { renderValue, type Synthesized, synthesize } from './synth-support.ts';

/** No CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION: what `cdk synth` sees offline, without credentials. */
const OFFLINE = {};

/** The sample's hosted zone (infra/README.md); a deployment must name its zones or opt in to any zone. */
const SAMPLE_ZONE = { 'linkdns:zoneIds': 'Z0123456789ABCDEFGHIJ' };

function app(context: Record<string, unknown>, options: { bundle?: boolean } = {}): Synthesized {
  return synthesize((root) => defineLinkdnsApp(root, OFFLINE), {
    context: { ...SAMPLE_ZONE, ...context },
    registerNag: false,
    ...options,
  });
}

function stackSummary(synth: Synthesized): string[] {
  return synth.stacks.map((stack) => `${stack.stackName}@${stack.region}`);
}

describe('the linkdns app', () => {
  it('deploys the sample in another region as the central stack plus a us-east-1 Route 53 forwarder', () => {
    // Prepare
    const synth = app({ 'linkdns:region': 'eu-central-1' });
    try {
      // Act
      const forwarder = synth.stacks.find((stack) => stack.stackName === 'LinkdnsRoute53Forwarder') as Stack;
      const [rule] = Object.values(synth.template(forwarder).findResources('AWS::Events::Rule')) as {
        Properties: { Targets: { Arn: unknown }[] };
      }[];
      // Assess
      expect(stackSummary(synth)).toEqual(['Linkdns@eu-central-1', 'LinkdnsRoute53Forwarder@us-east-1']);
      expect(renderValue(rule?.Properties.Targets[0]?.Arn)).toBe(
        'arn:<AWS::Partition>:events:eu-central-1:<AWS::AccountId>:event-bus/default',
      );
      expect(synth.violations).toEqual([]);
    } finally {
      synth.dispose();
    }
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['in us-east-1 needs no forwarder', { 'linkdns:region': 'us-east-1' }, ['Linkdns@us-east-1']],
    ['defaults to us-east-1 when no region is known', {}, ['Linkdns@us-east-1']],
    [
      'without zone events needs no forwarder',
      { 'linkdns:region': 'eu-west-1', 'linkdns:zoneEvents': 'false' },
      ['Linkdns@eu-west-1'],
    ],
    [
      'for a spoke account synthesises the spoke stack only',
      { 'linkdns:region': 'eu-west-1', 'linkdns:spokeOf': '111111111111' },
      ['LinkdnsSpoke@eu-west-1'],
    ],
  ])('%s', (_scenario, context, expected) => {
    // Prepare
    const synth = app(context);
    try {
      // Act
      const stacks = stackSummary(synth);
      // Assess
      expect(stacks).toEqual(expected);
      expect(synth.violations).toEqual([]);
    } finally {
      synth.dispose();
    }
  });

  it('reads lists and flags as the CLI passes them (-c key=a,b)', () => {
    // Prepare
    const root = new App({
      context: {
        'linkdns:zoneIds': 'Z0AAA, Z0BBB',
        'linkdns:spokeAccounts': ['222222222222'],
        'linkdns:createZones': 'false',
        'linkdns:schedule': 'rate(1 hour)',
        'linkdns:repairMode': 'detect-only',
      },
    });
    // Act
    const context = readAppContext(root.node, { CDK_DEFAULT_REGION: 'ap-southeast-2' });
    // Assess
    expect(context).toMatchObject({
      zoneIds: ['Z0AAA', 'Z0BBB'],
      spokeAccounts: ['222222222222'],
      createZones: false,
      schedule: 'rate(1 hour)',
      repairMode: 'detect-only',
      region: 'ap-southeast-2',
      config: { owner: 'example-platform' },
    });
  });

  it('refuses bad context values, listing every problem at once', () => {
    // Prepare
    const root = new App({
      context: {
        'linkdns:config': 'config/does-not-exist.json',
        'linkdns:repairMode': 'sometimes',
        'linkdns:schedule': 'every hour',
        'linkdns:spokeAccounts': '12345',
        'linkdns:createZones': 'yes',
      },
    });
    // Act
    let error: unknown;
    try {
      readAppContext(root.node, OFFLINE);
    } catch (caught) {
      error = caught;
    }
    // Assess
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^linkdns:config: cannot read .*does-not-exist\.json/),
      expect.stringMatching(/^linkdns:repairMode: must be repair or detect-only/),
      expect.stringMatching(/^linkdns:schedule: must be an EventBridge expression/),
      'linkdns:spokeAccounts: "12345" is not a 12-digit account ID',
      'linkdns:createZones: must be true or false',
    ]);
  });
});

describe('the bundled functions', () => {
  let synth: Synthesized;
  let bundles: string[];

  beforeAll(() => {
    synth = app({ 'linkdns:region': 'us-east-1' }, { bundle: true });
    bundles = readdirSync(synth.directory)
      .filter((entry) => entry.startsWith('asset.'))
      .map((entry) => join(synth.directory, entry))
      .filter((directory) => existsSync(join(directory, 'index.mjs')));
  }, 120_000);
  afterAll(() => synth?.dispose());

  it('are four ESM bundles (endpoint events, zone events, repair coordinator and worker) with the createRequire banner and a source map', () => {
    expect(bundles).toHaveLength(4);
    for (const bundle of bundles) {
      expect(readFileSync(join(bundle, 'index.mjs'), 'utf8').startsWith(ESM_REQUIRE_BANNER)).toBe(true);
      expect(existsSync(join(bundle, 'index.mjs.map'))).toBe(true);
    }
  });

  it('carry the AWS SDK inside and load on Node with nothing installed next to them', async () => {
    for (const bundle of bundles) {
      const source = readFileSync(join(bundle, 'index.mjs'), 'utf8');
      expect(source).not.toMatch(/from\s*["']@aws-sdk\//);
      const module = (await import(pathToFileURL(join(bundle, 'index.mjs')).href)) as { handler?: unknown };
      expect(typeof module.handler).toBe('function');
    }
  });
});
