import { describe, expect, it } from 'vitest';
import { measureEventCosts, totalCalls } from '../../bench/event-costs.ts';

/**
 * Issue #14 item 6: what one endpoint event costs on AWS, counted from the local AWS's request log, through the real
 * handler and SDK clients. Every write is still verified by re-reading the zone (ListResourceRecordSets twice).
 */
describe('endpoint event cost', () => {
  it('is at most 5 AWS calls per create, modify and delete on a warm instance, each write verified', async () => {
    // Act
    const costs = await measureEventCosts();

    // Assess
    expect(costs.reports.map((report) => report.zones.map((zone) => zone.outcome))).toEqual([
      ['changed'],
      ['changed'],
      ['changed'],
      ['changed'],
    ]);
    expect(costs.create).toEqual({ DescribeVpcEndpoints: 1, ListResourceRecordSets: 2, ChangeResourceRecordSets: 1 });
    expect(costs.modify).toEqual({ DescribeVpcEndpoints: 2, ListResourceRecordSets: 2, ChangeResourceRecordSets: 1 });
    expect(costs.delete).toEqual({ DescribeVpcEndpoints: 2, ListResourceRecordSets: 2, ChangeResourceRecordSets: 1 });
    for (const calls of [costs.create, costs.modify, costs.delete]) expect(totalCalls(calls)).toBeLessThanOrEqual(5);
    // A cold instance learns the AZ ids and looks the zone up once (direct associations and the VPC's Route 53
    // Profile): three calls more than a warm one.
    expect(costs.coldCreate).toEqual({
      DescribeVpcEndpoints: 1,
      DescribeSubnets: 1,
      ListHostedZonesByVPC: 1,
      ListProfileAssociations: 1,
      ListResourceRecordSets: 2,
      ChangeResourceRecordSets: 1,
    });
  });
});
