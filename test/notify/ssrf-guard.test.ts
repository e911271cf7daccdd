import { describe, expect, it } from 'vitest';
import { NotificationNetworkError, UnsafeDestinationError } from '../../functions/notify/errors.ts';
import {
  type HostLookup,
  nonPublicRange,
  resolveSafeDestination,
  systemLookup,
} from '../../functions/notify/ssrf-guard.ts';

const strict = { allowHttp: false, allowPrivateHosts: [] };
const to =
  (...addresses: string[]): HostLookup =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
const noLookup: HostLookup = async () => {
  throw new Error('lookup must not be called for an IP literal');
};

describe('nonPublicRange', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private (unique local)'],
    ['fd12:3456::1', 'private (unique local)'],
    ['100.64.0.1', 'shared address space (CGNAT)'],
    ['100.127.255.255', 'shared address space (CGNAT)'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::192.168.10.20', 'private'],
    ['64:ff9b::', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['not-an-ip', 'not an IP address'],
    // The rest of the special-purpose registry a webhook host must never resolve into (RFC 6890).
    ['192.0.0.8', 'IETF protocol assignments'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.254', 'benchmarking'],
    ['fec0::1', 'private (site-local)'],
    ['ff02::1', 'multicast'],
    // NAT64 written out in full, without `::`.
    ['64:ff9b:0:0:0:0:a9fe:a9fe', 'link-local'],
    ['64:ff9b:0:0:0:0:10.1.2.3', 'private'],
  ])('%s is %s', (address, range) => {
    expect(nonPublicRange(address)).toBe(range);
  });

  it.each([
    '8.8.8.8',
    '172.32.0.1',
    '172.15.255.255',
    '100.128.0.1',
    '100.63.255.255',
    '169.253.255.255',
    '2606:4700:4700::1111',
    '64:ff9b::808:808',
    '64:ff9b::c000:101',
    '64:ff9b:0:0:0:0:808:808',
    '192.0.1.1',
    '198.20.0.1',
  ])('%s is public', (address) => {
    expect(nonPublicRange(address)).toBeUndefined();
  });
});

describe('resolveSafeDestination', () => {
  it('returns the checked address to connect to', async () => {
    // Act
    const target = await resolveSafeDestination(
      'https://hooks.slack.com/services/T/B/x',
      'ops',
      strict,
      to('34.1.2.3'),
    );

    // Assess
    expect(target).toMatchObject({ hostname: 'hooks.slack.com', address: '34.1.2.3', family: 4 });
  });

  it('refuses a name when any of its addresses is not public', async () => {
    // Act / Assess
    await expect(
      resolveSafeDestination('https://hooks.example.test/x', 'ops', strict, to('34.1.2.3', '10.1.1.1')),
    ).rejects.toThrow(/resolves to 10\.1\.1\.1 \(private\)/);
  });

  it.each([
    ['https://169.254.169.254/latest/meta-data', /169\.254\.169\.254 \(link-local\)/],
    ['https://[::1]/', /::1 \(loopback\)/],
    ['https://[::ffff:127.0.0.1]/', /loopback/],
    ['https://2130706433/', /127\.0\.0\.1 \(loopback\)/],
    ['https://0x7f.1/', /127\.0\.0\.1 \(loopback\)/],
  ])('refuses the IP literal in %s without a lookup', async (url, message) => {
    await expect(resolveSafeDestination(url, 'ops', strict, noLookup)).rejects.toThrow(message);
  });

  it.each([
    ['http://hooks.example.com/x', /uses http: — only https is allowed \(plain http needs allowHttp/],
    ['ftp://hooks.example.com/x', /uses ftp: — only https is allowed$/],
    ['file:///etc/passwd', /uses file:/],
    ['not a url', /is not a valid URL/],
  ])('refuses %s', async (url, message) => {
    await expect(resolveSafeDestination(url, 'ops', strict, to('34.1.2.3'))).rejects.toThrow(message);
  });

  it('names the destination in errors but never the host, path or query of the URL', async () => {
    // Act
    const error = await resolveSafeDestination(
      'https://hooks.example.test/services/T0/B0/SECRETTOKEN?sig=SECRETSIG',
      'ops',
      strict,
      to('10.0.0.1'),
    ).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(UnsafeDestinationError);
    expect((error as Error).message).not.toContain('hooks.example.test');
    expect((error as Error).message).toContain('"ops"');
    expect((error as Error).message).not.toMatch(/SECRET/);
  });

  it('lets an allowlisted host resolve privately, and allowHttp permit http', async () => {
    // Act
    const target = await resolveSafeDestination(
      'http://Receiver.Internal:8080/hook',
      'ops',
      { allowHttp: true, allowPrivateHosts: ['receiver.internal'] },
      to('10.20.30.40'),
    );

    // Assess
    expect(target).toMatchObject({ hostname: 'receiver.internal', address: '10.20.30.40' });
  });

  it.each(['ftp://receiver.internal/hook', 'file://receiver.internal/etc/passwd', 'gopher://receiver.internal:70/_'])(
    'refuses %s even to an allowlisted host with allowHttp: the exception is for plain http only',
    async (url) => {
      await expect(
        resolveSafeDestination(
          url,
          'ops',
          { allowHttp: true, allowPrivateHosts: ['receiver.internal'] },
          to('10.20.30.40'),
        ),
      ).rejects.toThrow(/only https is allowed$/);
    },
  );

  it('refuses plain http to a host that is not allowlisted even with allowHttp', async () => {
    await expect(
      resolveSafeDestination(
        'http://hooks.example.com/x',
        'ops',
        { allowHttp: true, allowPrivateHosts: ['receiver.internal'] },
        to('34.1.2.3'),
      ),
    ).rejects.toThrow(/only https is allowed/);
  });

  it.each([
    ['https://[2606:4700:4700::1111]/hook', '2606:4700:4700::1111', 6],
    ['https://34.1.2.3/hook', '34.1.2.3', 4],
  ])('connects to the IP literal in %s as it is, with its family', async (url, address, family) => {
    await expect(resolveSafeDestination(url, 'ops', strict, noLookup)).resolves.toMatchObject({ address, family });
  });

  it('tells the operator how to allow a receiver that is meant to be private', async () => {
    await expect(resolveSafeDestination('https://hooks.internal/x', 'ops', strict, to('10.0.0.7'))).rejects.toThrow(
      /refused — list the host in allowPrivateHosts if this receiver is meant to be private$/,
    );
  });

  it('resolves with the system resolver by default: localhost is loopback and refused', async () => {
    // Act
    const addresses = await systemLookup('localhost');

    // Assess
    expect(addresses.length).toBeGreaterThan(0);
    for (const { address, family } of addresses) expect(family).toBe(address.includes(':') ? 6 : 4);
    await expect(resolveSafeDestination('https://localhost/hook', 'ops', strict)).rejects.toThrow(/\(loopback\)/);
  });

  it('refuses a name that resolves to nothing', async () => {
    await expect(resolveSafeDestination('https://void.example.test/', 'ops', strict, to())).rejects.toThrow(
      /resolves to no address/,
    );
  });

  it('resolves an IPv6 literal with the system resolver as family 6', async () => {
    await expect(systemLookup('::1')).resolves.toEqual([{ address: '::1', family: 6 }]);
  });
});

describe('resolveSafeDestination when the resolver fails', () => {
  const failing =
    (code: unknown, message = 'getaddrinfo failed for hooks.tenant-secret.example'): HostLookup =>
    async () => {
      throw Object.assign(new Error(message), { code });
    };
  const resolveWith = (lookup: HostLookup, signal?: AbortSignal) =>
    resolveSafeDestination('https://hooks.tenant-secret.example/services/T/B/x', 'ops', strict, lookup, signal).catch(
      (caught: unknown) => caught,
    );

  it('reports a name that does not exist (ENOTFOUND) as a network error not worth retrying, naming only the destination', async () => {
    // Act
    const error = await resolveWith(failing('ENOTFOUND'));

    // Assess
    expect(error).toBeInstanceOf(NotificationNetworkError);
    expect((error as NotificationNetworkError).message).toBe(
      'Notification to "ops" failed before an answer: the host could not be resolved (ENOTFOUND)',
    );
    expect((error as NotificationNetworkError).retryable).toBe(false);
  });

  it('retries a temporary resolver failure (EAI_AGAIN)', async () => {
    // Act
    const error = await resolveWith(failing('EAI_AGAIN'));

    // Assess
    expect((error as NotificationNetworkError).message).toMatch(/could not be resolved \(EAI_AGAIN\)$/);
    expect((error as NotificationNetworkError).retryable).toBe(true);
  });

  it.each([
    ['no code at all', undefined],
    ['a numeric code', 3008],
    ['a code that carries the host after the code', 'ENOTFOUND hooks.tenant-secret.example'],
    ['a code that carries the host before the code', 'hooks.tenant-secret.example ENOTFOUND'],
  ])('says only "lookup failed" for a resolver error with %s, so the host never reaches a log', async (_case, code) => {
    // Act
    const error = await resolveWith(failing(code));

    // Assess
    expect(error).toBeInstanceOf(NotificationNetworkError);
    expect((error as Error).message).toBe(
      'Notification to "ops" failed before an answer: the host could not be resolved (lookup failed)',
    );
    expect((error as NotificationNetworkError).retryable).toBe(true);
  });

  it('lets the caller’s abort through as it is, not as a resolver failure', async () => {
    // Prepare: the run's deadline fired while the name was being resolved.
    const controller = new AbortController();
    const aborted = new DOMException('This operation was aborted', 'AbortError');
    const lookup: HostLookup = async () => {
      controller.abort(aborted);
      throw aborted;
    };

    // Act
    const error = await resolveWith(lookup, controller.signal);

    // Assess
    expect(error).toBe(aborted);
  });

  it('hands the signal to the resolver', async () => {
    // Prepare
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const lookup: HostLookup = async (_host, signal) => {
      seen = signal;
      return [{ address: '34.1.2.3', family: 4 }];
    };

    // Act
    await resolveSafeDestination('https://hooks.slack.com/x', 'ops', strict, lookup, controller.signal);

    // Assess
    expect(seen).toBe(controller.signal);
  });
});
