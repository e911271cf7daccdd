import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyCommand, planCommand } from '../../functions/cli/reconcile-commands.ts';
import { baseConfig, DOMAIN, type GcpHarness, PROJECT, startGcpHarness } from './gcp-harness.ts';

/** `linkdns plan | apply --cloud gcp` against the local Google Cloud, through the real HTTP client. */
describe('linkdns plan / apply --cloud gcp', () => {
  let h: GcpHarness;
  let dir: string;
  let config: string;

  beforeEach(async () => {
    h = await startGcpHarness();
    dir = await mkdtemp(join(tmpdir(), 'linkdns-gcp-cli-'));
    config = join(dir, 'linkdns.json');
    await writeFile(config, JSON.stringify(baseConfig));
    vi.stubEnv('LINKDNS_GCP_API_ROOT', h.gcp.baseUrl);
    vi.stubEnv('NO_COLOR', '1');
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  const args = (...extra: string[]) => [
    '--cloud',
    'gcp',
    '--config',
    config,
    '--project',
    PROJECT,
    '--region',
    'us-central1',
    ...extra,
  ];

  it('plans the PSC records (exit 2), applies them, and then has nothing to do (exit 0)', async () => {
    const plan = await planCommand(args());
    const apply = await applyCommand(args('--yes'));
    const again = await planCommand(args());

    expect(plan.exitCode).toBe(2);
    expect(plan.stdout).toContain(`+ *.us-central1-a.${DOMAIN} A 60 10.2.0.11`);
    expect(apply.exitCode).toBe(0);
    expect(h.zone()['A *']).toEqual(['10.2.0.11', '10.2.0.12', '10.2.0.13']);
    expect(again.exitCode).toBe(0);
  });
});
