import { afterEach, describe, expect, it } from 'vitest';
import { handleEndpointEvent } from '../../functions/aws/handlers/endpoint-events.ts';
import { routeEvent } from '../../functions/cli/invoke.ts';
import { InvalidInputError } from '../../functions/core/errors.ts';
import { readEventFile } from '../../local/demo-scenario.ts';
import { type AwsHarness, startAwsHarness } from '../support/aws-harness.ts';

/** Events that are almost right: a raw CloudTrail record, a call that failed (issue 11). */

let h: AwsHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('linkdns invoke routing of a raw CloudTrail record', () => {
  it('never sends it to the Azure function: it names the EventBridge envelope instead', () => {
    const raw = readEventFile('aws/raw-cloudtrail-record.create-vpc-endpoint.json');

    expect(() => routeEvent(raw, 'record.json')).toThrow(InvalidInputError);
    expect(() => routeEvent(raw, 'record.json')).toThrow(/record\.json: this is a raw CloudTrail record.*EventBridge/);
    expect(() => routeEvent([raw], 'records.json')).toThrow(/records\.json\[0\]: this is a raw CloudTrail record/);
    expect(() => routeEvent({ Records: [raw] }, 'trail.json')).toThrow(/raw CloudTrail record/);
  });

  it('still routes the EventBridge event and Event Grid events as before', () => {
    expect(routeEvent(readEventFile('aws/create-vpc-endpoint.json'))).toMatchObject({
      cloud: 'aws',
      handler: 'endpoint-events',
    });
    expect(routeEvent(readEventFile('azure/private-endpoint-write.json'))).toMatchObject({ cloud: 'azure' });
  });
});

describe('an endpoint event whose call failed (errorCode)', () => {
  it('is a logged no-op: no EC2 or Route 53 call, no notification', async () => {
    h = await startAwsHarness();
    h.aws.requests.reset();

    const result = await handleEndpointEvent(readEventFile('aws/create-vpc-endpoint.failed.json'), h.runtime);

    expect(result).toEqual({ ignored: 'the API call failed (InvalidServiceName), nothing changed' });
    expect(h.aws.requests.count()).toBe(0);
    expect(h.notifier.reports).toEqual([]);
  });
});
