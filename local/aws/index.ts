import { EC2Client } from '@aws-sdk/client-ec2';
import { Route53Client } from '@aws-sdk/client-route-53';
import { LocalAccounts } from './accounts.ts';
import { ec2Service } from './ec2.ts';
import { type LocalEc2Options, LocalEc2State } from './ec2-state.ts';
import { Route53State, route53Service } from './route53.ts';
import { Route53ProfilesState, route53ProfilesService } from './route53-profiles.ts';
import { type FaultInjector, type RequestLog, startLocalAwsServer } from './server.ts';
import { LocalSqsState, sqsService } from './sqs.ts';
import { stsService } from './sts.ts';

/** Credentials the local AWS accepts (it checks none; the SDK needs some to sign). */
export const LOCAL_CREDENTIALS = { accessKeyId: 'AKIDLOCALLINKDNS', secretAccessKey: 'local-secret' } as const;

export interface LocalAwsCloud {
  /** For the SDK clients' `endpoint` option, and `LINKDNS_AWS_ENDPOINT`. */
  readonly endpoint: string;
  readonly route53: Route53State;
  /** Route 53 Profiles: Profiles, their VPC associations and hosted zones (seed them here). */
  readonly profiles: Route53ProfilesState;
  /** Access key id → account: requests act as the account of the key they are signed with. */
  readonly accounts: LocalAccounts;
  readonly ec2: LocalEc2State;
  /**
   * The EC2 of another account (created on first use, same region, its own AZ shuffle and ids): requests signed with a
   * key of that account ({@link LocalAccounts.add}, or STS `AssumeRole` into it) see its VPCs and endpoints only.
   */
  ec2Of(account: string): LocalEc2State;
  /** A minimal SQS (JSON protocol) for the repair's fan-out queue. */
  readonly sqs: LocalSqsState;
  readonly requests: RequestLog;
  readonly faults: FaultInjector;
  /** Real SDK clients pointed at the local AWS (one attempt per call, so the request log shows every request). */
  readonly clients: { readonly route53: Route53Client; readonly ec2: EC2Client };
  close(): Promise<void>;
}

/**
 * The local AWS with Route 53 and EC2 on one port of 127.0.0.1: the demo's default cloud and the tests' AWS.
 *
 * @example
 * const aws = await startLocalAws();
 * const { vpcId, subnets } = aws.ec2.addVpcWithSubnets();
 * aws.route53.createZone({ name: 'pr1jy6.us-east-2.aws.confluent.cloud', private: true, vpcs: [{ region: 'us-east-2', id: vpcId }] });
 */
export async function startLocalAws(options: LocalEc2Options & { port?: number } = {}): Promise<LocalAwsCloud> {
  const accounts = new LocalAccounts();
  const route53 = new Route53State(accounts);
  const profiles = new Route53ProfilesState(accounts);
  const ec2 = new LocalEc2State(options);
  const ec2ByAccount = new Map([[accounts.defaultAccount, ec2]]);
  const ec2Of = (account: string): LocalEc2State => {
    let state = ec2ByAccount.get(account);
    if (!state) {
      // A seed of its own, so ids never collide with another account's.
      state = new LocalEc2State({ ...options, accountId: account, seed: Number(account.slice(-6)) % 100_000 });
      ec2ByAccount.set(account, state);
    }
    return state;
  };
  // Route 53 checks the VPCs it is given against the local EC2s (one region here; VPCs of other regions pass), and
  // knows which account each belongs to (cross-account association needs an authorization).
  route53.vpcExists = (vpc) =>
    vpc.region !== ec2.region || [...ec2ByAccount.values()].some((state) => state.hasVpc(vpc.id));
  route53.vpcAccount = (vpc) =>
    [...ec2ByAccount.entries()].find(([, state]) => state.hasVpc(vpc.id))?.[0] ?? accounts.defaultAccount;
  const sqs = new LocalSqsState();
  const server = await startLocalAwsServer(
    [
      route53Service(route53),
      route53ProfilesService(profiles),
      ec2Service((request) => ec2Of(accounts.callerOf(request))),
      stsService(accounts),
      sqsService(sqs),
    ],
    options.port ?? 0,
  );
  sqs.setEndpoint(server.endpoint);
  const common = { endpoint: server.endpoint, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
  const clients = {
    route53: new Route53Client({ ...common, region: 'us-east-1' }),
    ec2: new EC2Client({ ...common, region: ec2.region }),
  };
  return {
    endpoint: server.endpoint,
    route53,
    profiles,
    accounts,
    ec2,
    ec2Of,
    sqs,
    requests: server.requests,
    faults: server.faults,
    clients,
    close: async () => {
      clients.route53.destroy();
      clients.ec2.destroy();
      await server.close();
    },
  };
}
