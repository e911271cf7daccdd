import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/**
 * Issue 12, finding 6 on Google: the custom roles in infra/gcp/roles grant exactly what the adapters call, and the
 * deployment guide grants the record role per managed zone by adding a member, never by replacing a zone's policy.
 * Permissions per API method: https://cloud.google.com/dns/docs/access-control#permissions_and_roles
 */

interface RoleFile {
  readonly title: string;
  readonly stage: string;
  readonly includedPermissions: readonly string[];
}

const role = (name: string) => JSON.parse(readFileSync(`infra/gcp/roles/${name}.json`, 'utf8')) as RoleFile;
const guide = readFileSync('infra/gcp/README.md', 'utf8');
const commands = guide.replace(/\\\n\s*/g, ' ');

/** The Cloud DNS methods functions/gcp/cloud-dns-zones.ts calls in a zone, and the permissions each needs. */
const PER_ZONE_METHODS: Record<string, readonly string[]> = {
  'resourceRecordSets.list': ['dns.resourceRecordSets.list'],
  'changes.create': [
    'dns.changes.create',
    'dns.resourceRecordSets.create',
    'dns.resourceRecordSets.delete',
    'dns.resourceRecordSets.update',
  ],
  'changes.get': ['dns.changes.get'],
};

describe('Google custom roles', () => {
  it('lets linkdns read and change records in a zone it is granted on, and nothing else', () => {
    // Act
    const permissions = role('linkdns-record-writer').includedPermissions;

    // Assess
    const needed = new Set(Object.values(PER_ZONE_METHODS).flat());
    expect([...needed].filter((permission) => !permissions.includes(permission))).toEqual([]);
    expect(permissions.filter((permission) => !needed.has(permission))).toEqual(['dns.managedZones.get']);
    expect(
      permissions.some((permission) => /managedZones\.(create|delete|update)|setIamPolicy|policies/.test(permission)),
    ).toBe(false);
  });

  it('finds zones with managedZones.list alone: no record of any zone is readable at project level', () => {
    // Act
    const permissions = role('linkdns-zone-finder').includedPermissions;

    // Assess
    expect(permissions).toEqual(['dns.managedZones.list']);
  });

  it('grants the record role per managed zone by adding a member, never by setting a whole policy', () => {
    // Act
    const zoneGrants = commands.match(/gcloud dns managed-zones add-iam-policy-binding [^\n]+/g) ?? [];

    // Assess
    expect(zoneGrants).toEqual([expect.stringContaining('--role=projects/$DNS_PROJECT/roles/linkdnsRecordWriter')]);
    expect(commands).not.toMatch(/gcloud [^\n]*set-iam-policy/);
    expect(commands).not.toMatch(/--role=roles\/dns\.(admin|reader)/);
    expect(commands).toContain('--file=infra/gcp/roles/linkdns-record-writer.json');
    expect(commands).toContain('--file=infra/gcp/roles/linkdns-zone-finder.json');
  });

  it('reads the sweep backlog with monitoring.timeSeries.list alone, granted by adding a member', () => {
    // Act: the one Monitoring method functions/gcp/pubsub-backlog.ts calls is projects.timeSeries.list
    const permissions = role('linkdns-backlog-reader').includedPermissions;

    // Assess
    expect(permissions).toEqual(['monitoring.timeSeries.list']);
    expect(commands).toContain('--file=infra/gcp/roles/linkdns-backlog-reader.json');
    expect(commands).toMatch(
      /gcloud projects add-iam-policy-binding \$PROJECT --member=serviceAccount:\$SA\s+--role=projects\/\$PROJECT\/roles\/linkdnsBacklogReader/,
    );
    expect(commands).not.toMatch(/--role=roles\/monitoring\./);
  });
});
