import { Route53Client } from '@aws-sdk/client-route-53';
import { Route53State, route53Service } from '../../local/aws/route53.ts';
import { type LocalAws, startLocalAwsServer } from '../../local/aws/server.ts';

/** The local Route 53 on 127.0.0.1 and a real SDK client pointed at it. */
export interface LocalRoute53 {
  readonly state: Route53State;
  readonly aws: LocalAws;
  readonly client: Route53Client;
  close(): Promise<void>;
}

/**
 * Starts the local Route 53 with a real `Route53Client`. The client makes one attempt per call (`maxAttempts: 1`) so
 * that the request log shows exactly what linkdns's own retry loop sends.
 */
export async function startLocalRoute53(): Promise<LocalRoute53> {
  const state = new Route53State();
  const aws = await startLocalAwsServer([route53Service(state)]);
  const client = new Route53Client({
    endpoint: aws.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return {
    state,
    aws,
    client,
    close: async () => {
      client.destroy();
      await aws.close();
    },
  };
}
