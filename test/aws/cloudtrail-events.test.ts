import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEndpointEvent, parseZoneEvent, rawCloudTrailProblem } from '../../functions/aws/cloudtrail-events.ts';
import { InvalidInputError } from '../../functions/core/errors.ts';

const fixture = (name: string) => JSON.parse(readFileSync(`events/aws/${name}`, 'utf8'));

describe('parseEndpointEvent', () => {
  it.each([
    ['create-vpc-endpoint.json', 'CreateVpcEndpoint', 'vpc-0a1b2c3d4e5f60718'],
    ['modify-vpc-endpoint.json', 'ModifyVpcEndpoint', undefined],
    ['delete-vpc-endpoints.json', 'DeleteVpcEndpoints', undefined],
  ])('finds the endpoint id (and the VPC, when named) in %s', (file, eventName, vpcId) => {
    const parsed = parseEndpointEvent(fixture(file));

    expect(parsed.endpointIds).toEqual(['vpce-0f1e2d3c4b5a69788']);
    expect(parsed.trigger.description).toContain(eventName);
    expect(parsed.account).toBe('111122223333');
    expect(parsed.vpcId).toBe(vpcId);
  });

  it('collects several ids from a DeleteVpcEndpoints batch, whatever the nesting', () => {
    const event = fixture('delete-vpc-endpoints.json');
    event.detail.requestParameters = {
      DeleteVpcEndpointsRequest: {
        VpcEndpointId: [
          { tag: 1, content: 'vpce-0aaaaaaaaaaaaaaaa' },
          { tag: 2, content: 'vpce-1bbbbbbb' },
        ],
      },
    };

    expect(parseEndpointEvent(event).endpointIds).toEqual(['vpce-0aaaaaaaaaaaaaaaa', 'vpce-1bbbbbbb']);
  });

  it('reads an SNS endpoint connection notification', () => {
    const event = {
      Records: [
        {
          EventSource: 'aws:sns',
          Sns: {
            MessageId: 'm-1',
            Message: JSON.stringify({
              endpointId: 'vpce-0f1e2d3c4b5a69788',
              endpointState: 'available',
              notificationType: 'VpcEndpointConnection',
            }),
          },
        },
      ],
    };

    expect(parseEndpointEvent(event).endpointIds).toEqual(['vpce-0f1e2d3c4b5a69788']);
  });

  it.each([
    ['not an object', 'hello', /Not a VPC endpoint CloudTrail event/],
    ['another service', { ...fixture('create-vpc-endpoint.json'), source: 'aws.s3' }, /source/],
    [
      'another API call',
      (() => {
        const e = fixture('create-vpc-endpoint.json');
        e.detail.eventName = 'RunInstances';
        return e;
      })(),
      /eventName/,
    ],
    [
      'no endpoint id',
      (() => {
        const e = fixture('modify-vpc-endpoint.json');
        e.detail.requestParameters = {};
        return e;
      })(),
      /names no VPC endpoint/,
    ],
  ])('rejects %s with a clear error', (_name, event, message) => {
    expect(() => parseEndpointEvent(event)).toThrow(InvalidInputError);
    expect(() => parseEndpointEvent(event)).toThrow(message);
  });

  it('does not mistake a service id for an endpoint id', () => {
    const event = fixture('modify-vpc-endpoint.json');
    event.detail.requestParameters = { ModifyVpcEndpointRequest: { ServiceName: 'vpce-svc-01234567890abcdef' } };

    expect(() => parseEndpointEvent(event)).toThrow(/names no VPC endpoint/);
  });
});

describe('parseZoneEvent', () => {
  it('reads the zone id, the principal and the change comment', () => {
    const parsed = parseZoneEvent(fixture('change-resource-record-sets.json'));

    expect(parsed).toMatchObject({
      eventName: 'ChangeResourceRecordSets',
      hostedZoneId: 'Z0123456789ABCDEFGHIJ',
      principalArn: 'arn:aws:iam::111122223333:user/alice',
      failedCall: false,
    });
  });

  it('rejects an endpoint event', () => {
    expect(() => parseZoneEvent(fixture('create-vpc-endpoint.json'))).toThrow(/Not a Route 53 CloudTrail event/);
  });
});

describe('near misses (issue 11)', () => {
  const raw = JSON.parse(readFileSync('events/aws/raw-cloudtrail-record.create-vpc-endpoint.json', 'utf8'));

  it('tells a raw CloudTrail record (eventType AwsApiCall, no EventBridge envelope) to arrive in the envelope', () => {
    expect(rawCloudTrailProblem(raw)).toContain('"AWS API Call via CloudTrail" envelope');
    expect(() => parseEndpointEvent(raw)).toThrow(/raw CloudTrail record \(CreateVpcEndpoint\).*EventBridge/);
    expect(() => parseZoneEvent(raw)).toThrow(/raw CloudTrail record/);
    expect(() => parseEndpointEvent({ Records: [raw] })).toThrow(/raw CloudTrail record/);
  });

  it('does not take an EventBridge event for a raw record', () => {
    expect(
      rawCloudTrailProblem(JSON.parse(readFileSync('events/aws/create-vpc-endpoint.json', 'utf8'))),
    ).toBeUndefined();
  });

  it('marks a call that failed (errorCode) as such', () => {
    const event = parseEndpointEvent(JSON.parse(readFileSync('events/aws/create-vpc-endpoint.failed.json', 'utf8')));

    expect(event).toMatchObject({ failedCall: true, errorCode: 'InvalidServiceName' });
  });
});
