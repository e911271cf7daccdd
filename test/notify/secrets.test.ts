import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { SecretUnavailableError } from '../../functions/notify/errors.ts';
import { awsSecretResolver, envSecretResolver } from '../../functions/notify/secrets.ts';
import { type ReceivedRequest, type Receiver, startReceiver } from './receiver.ts';

const SLACK_URL = 'https://hooks.slack.com/services/T0001/B0002/xoxbSecretToken';
const SIGNING_SECRET = 'whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';

describe('envSecretResolver', () => {
  it('reads environment variables (app settings, resolved Key Vault references)', async () => {
    // Prepare
    const secrets = envSecretResolver({ SLACK_URL });

    // Act / Assess
    await expect(secrets.resolve({ env: 'SLACK_URL' })).resolves.toBe(SLACK_URL);
  });

  it.each([
    ['a missing variable', {}, /Environment variable SLACK_URL is not set/],
    ['an empty variable', { SLACK_URL: '  ' }, /Environment variable SLACK_URL is not set/],
    [
      'a Key Vault reference the platform could not resolve',
      { SLACK_URL: '@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/slack/)' },
      /unresolved Key Vault reference/,
    ],
  ])('refuses %s', async (_name, env, message) => {
    await expect(envSecretResolver(env).resolve({ env: 'SLACK_URL' })).rejects.toThrow(message);
  });

  it('refuses AWS references with a hint instead of silently failing', async () => {
    await expect(envSecretResolver({}).resolve({ ssmParameter: '/linkdns/slack' })).rejects.toThrow(
      /SSM parameter \/linkdns\/slack cannot be read here/,
    );
  });
});

/**
 * A local endpoint speaking the AWS JSON 1.1 protocol for SSM `GetParameter` and Secrets Manager `GetSecretValue`,
 * driven by the real SDK clients inside the Powertools providers.
 */
async function awsSecretsEndpoint(parameters: Record<string, string>, secrets: Record<string, string>) {
  return startReceiver((request: ReceivedRequest) => {
    const target = request.headers['x-amz-target'];
    const input = JSON.parse(request.body) as { Name?: string; WithDecryption?: boolean; SecretId?: string };
    const json = (status: number, body: unknown) => ({
      status,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify(body),
    });
    if (target === 'AmazonSSM.GetParameter') {
      const value = input.Name === undefined ? undefined : parameters[input.Name];
      if (value === undefined) return json(400, { __type: 'ParameterNotFound', message: '' });
      if (input.WithDecryption !== true) return json(400, { __type: 'ValidationException', message: 'not decrypted' });
      return json(200, { Parameter: { Name: input.Name, Type: 'SecureString', Value: value, Version: 1 } });
    }
    if (target === 'secretsmanager.GetSecretValue') {
      const value = input.SecretId === undefined ? undefined : secrets[input.SecretId];
      if (value === undefined) {
        return json(400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        });
      }
      return json(200, {
        ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${input.SecretId}`,
        Name: input.SecretId,
        SecretString: value,
      });
    }
    return json(400, { __type: 'UnknownOperationException' });
  });
}

describe('awsSecretResolver', () => {
  let endpoint: Receiver | undefined;
  afterEach(async () => {
    await endpoint?.close();
  });

  function resolverFor(receiver: Receiver, maxAgeSeconds = 300) {
    const clientConfig = {
      endpoint: receiver.origin,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    };
    return awsSecretResolver({
      ssm: new SSMProvider({ awsSdkV3Client: new SSMClient(clientConfig) }),
      secrets: new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient(clientConfig) }),
      maxAgeSeconds,
      env: { LOCAL_URL: 'https://example.com/local' },
    });
  }

  it('reads a SecureString parameter with decryption and a Secrets Manager secret through the real SDK clients', async () => {
    // Prepare
    endpoint = await awsSecretsEndpoint({ '/linkdns/slack-url': SLACK_URL }, { 'linkdns/signing': SIGNING_SECRET });
    const secrets = resolverFor(endpoint);

    // Act
    const url = await secrets.resolve({ ssmParameter: '/linkdns/slack-url' });
    const signing = await secrets.resolve({ secretsManager: 'linkdns/signing' });
    const local = await secrets.resolve({ env: 'LOCAL_URL' });

    // Assess
    expect([url, signing, local]).toEqual([SLACK_URL, SIGNING_SECRET, 'https://example.com/local']);
    expect(endpoint.requests.map((request) => request.headers['x-amz-target'])).toEqual([
      'AmazonSSM.GetParameter',
      'secretsmanager.GetSecretValue',
    ]);
    expect(JSON.parse(endpoint.requests[0]?.body ?? '')).toEqual({ Name: '/linkdns/slack-url', WithDecryption: true });
  });

  it('caches values for maxAge so warm invocations do not call the API again', async () => {
    // Prepare
    endpoint = await awsSecretsEndpoint({ '/linkdns/slack-url': SLACK_URL }, {});
    const cached = resolverFor(endpoint);
    const uncached = resolverFor(endpoint, 0);

    // Act
    for (let index = 0; index < 3; index += 1) await cached.resolve({ ssmParameter: '/linkdns/slack-url' });
    const afterCached = endpoint.requests.length;
    for (let index = 0; index < 3; index += 1) await uncached.resolve({ ssmParameter: '/linkdns/slack-url' });

    // Assess
    expect(afterCached).toBe(1);
    expect(endpoint.requests.length).toBe(4);
  });

  it('names the missing parameter or secret, never a value', async () => {
    // Prepare
    endpoint = await awsSecretsEndpoint({}, {});
    const secrets = resolverFor(endpoint);

    // Act
    const parameter = secrets.resolve({ ssmParameter: '/linkdns/missing' });
    const secret = secrets.resolve({ secretsManager: 'linkdns/missing' });

    // Assess
    await expect(parameter).rejects.toBeInstanceOf(SecretUnavailableError);
    await expect(parameter).rejects.toThrow(/SSM parameter \/linkdns\/missing/);
    await expect(secret).rejects.toThrow(/Secrets Manager secret linkdns\/missing/);
  });

  it('stops waiting when the signal aborts', async () => {
    // Prepare
    endpoint = await startReceiver(() => 'hang');
    const secrets = resolverFor(endpoint);

    // Act
    const started = performance.now();
    const read = secrets.resolve({ ssmParameter: '/linkdns/slow' }, AbortSignal.timeout(100));

    // Assess
    await expect(read).rejects.toThrow();
    // The receiver never answers: without the signal this would wait until the test's own timeout.
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});
