import {
  DescribeAvailabilityZonesCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  type EC2Client,
  type Filter,
  type Subnet,
  type VpcEndpoint,
} from '@aws-sdk/client-ec2';
import { readEventFile } from '../../local/demo-scenario.ts';

/**
 * An EC2 client that answers from `aws ec2 describe-*` outputs kept under `events/` (documented shapes, including the
 * ones the local EC2 does not generate, such as an S3 Interface endpoint's wildcard DnsEntries), applying the filters
 * linkdns sends, and keeping every request so a test can tell which endpoints were read deeply.
 */
export class SampleEc2 {
  readonly endpoints: VpcEndpoint[];
  readonly subnets: Subnet[];
  readonly requests: { operation: string; input: Record<string, unknown> }[] = [];
  readonly client: Pick<EC2Client, 'send'>;

  constructor(endpointsFile: string, subnetsFile: string) {
    this.endpoints = (readEventFile(endpointsFile) as { VpcEndpoints: VpcEndpoint[] }).VpcEndpoints;
    this.subnets = (readEventFile(subnetsFile) as { Subnets: Subnet[] }).Subnets;
    this.client = { send: ((command: unknown) => this.#answer(command)) as EC2Client['send'] };
  }

  /** Subnet ids the client was asked to describe: the deep reads. */
  describedSubnets(): string[] {
    return this.requests
      .filter((request) => request.operation === 'DescribeSubnets')
      .flatMap((request) => ((request.input.Filters as Filter[]) ?? []).flatMap((filter) => filter.Values ?? []));
  }

  async #answer(command: unknown): Promise<unknown> {
    if (command instanceof DescribeVpcEndpointsCommand) {
      this.requests.push({ operation: 'DescribeVpcEndpoints', input: { ...command.input } });
      const ids = command.input.VpcEndpointIds;
      const filters = command.input.Filters ?? [];
      return {
        VpcEndpoints: this.endpoints.filter(
          (endpoint) =>
            (!ids || ids.includes(endpoint.VpcEndpointId ?? '')) &&
            filters.every((filter) =>
              (filter.Values ?? []).some((value) => endpointAttribute(endpoint, filter.Name, value)),
            ),
        ),
      };
    }
    if (command instanceof DescribeSubnetsCommand) {
      this.requests.push({ operation: 'DescribeSubnets', input: { ...command.input } });
      const wanted = (command.input.Filters ?? []).flatMap((filter) => filter.Values ?? []);
      return { Subnets: this.subnets.filter((subnet) => wanted.includes(subnet.SubnetId ?? '')) };
    }
    if (command instanceof DescribeAvailabilityZonesCommand) {
      this.requests.push({ operation: 'DescribeAvailabilityZones', input: { ...command.input } });
      return {
        AvailabilityZones: this.subnets.map((subnet) => ({
          ZoneName: subnet.AvailabilityZone,
          ZoneId: subnet.AvailabilityZoneId,
        })),
      };
    }
    throw new Error(`SampleEc2 does not answer ${String((command as object).constructor.name)}`);
  }
}

function endpointAttribute(endpoint: VpcEndpoint, name: string | undefined, value: string): boolean {
  switch (name) {
    case 'vpc-endpoint-type':
      return endpoint.VpcEndpointType === value;
    case 'vpc-id':
      return endpoint.VpcId === value;
    case 'vpc-endpoint-id':
      return endpoint.VpcEndpointId === value;
    case 'service-name':
      return endpoint.ServiceName === value;
    case 'tag-key':
      return (endpoint.Tags ?? []).some((tag) => tag.Key === value);
    default:
      throw new Error(`SampleEc2 does not filter on ${name}`);
  }
}
