import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answeringRecords, expectationsFor, resolverAddress, sampleNames } from '../../functions/cli/dns-check.ts';
import { formatVerifyReport, verifyCommand, verifyRecords } from '../../functions/cli/verify.ts';
import { InvalidInputError } from '../../functions/core/errors.ts';
import { type RecordSet, recordSet } from '../../functions/core/model.ts';

const ZONE = 'pr1jy6.us-east-2.aws.confluent.cloud';
const ZONAL: RecordSet[] = [
  recordSet(`*.${ZONE}`, 'CNAME', 60, ['vpce-1-regional.example.com']),
  recordSet(`*.use2-az1.${ZONE}`, 'CNAME', 60, ['vpce-1-us-east-2c.example.com']),
  recordSet(`*.use2-az2.${ZONE}`, 'CNAME', 60, ['vpce-1-us-east-2a.example.com']),
  recordSet(`_linkdns.${ZONE}`, 'TXT', 60, ['heritage=linkdns,owner=test,scope=vpc-1']),
];

describe('sampleNames', () => {
  it('derives a bootstrap-like and a broker-like name under *.<zone>, a broker-like one under each zonal wildcard', () => {
    expect(sampleNames(ZONAL)).toEqual([
      `lkc-abc12.${ZONE}`,
      `lkc-abc12-00aa.${ZONE}`,
      `lkc-abc12-00aa.use2-az1.${ZONE}`,
      `lkc-abc12-00aa.use2-az2.${ZONE}`,
    ]);
  });

  it('ignores records that are not wildcards or not resolved by clients', () => {
    expect(sampleNames([recordSet(`b0.${ZONE}`, 'A', 60, ['10.0.0.1']), ...ZONAL.slice(3)])).toEqual([]);
  });
});

describe('answeringRecords (RFC 4592 wildcard semantics)', () => {
  it.each([
    ['a name directly under the zone', `lkc-x.${ZONE}`, `*.${ZONE}`],
    ['a broker name under a zonal node', `b1.use2-az1.${ZONE}`, `*.use2-az1.${ZONE}`],
    ['a name under a zone label that has no node', `b1.use2-az9.${ZONE}`, `*.${ZONE}`],
    ['a deep name whose ancestors do not exist', `a.b.c.${ZONE}`, `*.${ZONE}`],
    ['the wildcard name itself (matched literally)', `*.use2-az2.${ZONE}`, `*.use2-az2.${ZONE}`],
  ])('%s is answered by the right wildcard', (_scenario, name, owner) => {
    expect(answeringRecords(name, ZONAL).map((record) => record.name)).toEqual([owner]);
  });

  it.each([
    ['an empty non-terminal (the zonal node itself): NODATA', `use2-az1.${ZONE}`],
    ['a name below an existing node without a wildcard: NXDOMAIN', `x._linkdns.${ZONE}`],
    ['a name outside the zone', 'lkc-x.example.com'],
  ])('%s has no answer', (_scenario, name) => {
    expect(answeringRecords(name, ZONAL)).toEqual([]);
  });
});

describe('expectationsFor', () => {
  it('expects each name to resolve to the values of the record that answers it', () => {
    expect(expectationsFor([`b1.use2-az2.${ZONE}`], ZONAL)).toEqual([
      {
        name: `b1.use2-az2.${ZONE}`,
        type: 'CNAME',
        record: `*.use2-az2.${ZONE}`,
        expected: ['vpce-1-us-east-2a.example.com'],
      },
    ]);
  });

  it('refuses a name that no A, AAAA or CNAME record answers', () => {
    expect(() => expectationsFor([`_linkdns.${ZONE}`], ZONAL)).toThrow(InvalidInputError);
  });
});

describe('resolverAddress', () => {
  it.each([
    ['10.0.0.2', '10.0.0.2:53'],
    ['127.0.0.1:5353', '127.0.0.1:5353'],
    ['::1', '[::1]:53'],
    ['[fd00::2]:5353', '[fd00::2]:5353'],
  ])('accepts %s', (text, address) => {
    expect(resolverAddress(text)).toBe(address);
  });

  it.each(['dns.example.com', '10.0.0.2:0', '10.0.0.2:70000', '[::1]:x', ''])('refuses %j', (text) => {
    expect(() => resolverAddress(text)).toThrow(InvalidInputError);
  });
});

describe('verify against a server that never answers', () => {
  let silent: Socket;
  let server: string;

  beforeAll(async () => {
    silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    server = `127.0.0.1:${silent.address().port}`;
  });

  afterAll(() => {
    silent.close();
  });

  it('reports a timeout per name and exits 1, within the configured timeout', async () => {
    // Prepare
    const started = performance.now();

    // Act
    const result = await verifyRecords(ZONAL, { server, timeoutMs: 100, tries: 1, json: true });

    // Assess
    const report = JSON.parse(result.stdout);
    expect(result.exitCode).toBe(1);
    expect(report.ok).toBe(false);
    expect(report.resolvers).toEqual([server]);
    expect(report.checks).toHaveLength(4);
    expect(report.checks.map((check: { error: string }) => check.error)).toEqual(Array(4).fill('timeout'));
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('is cancelled by its AbortSignal: outstanding queries stop and the reason is thrown', async () => {
    // Prepare
    const controller = new AbortController();
    const reason = new Error('operator pressed Ctrl-C');
    setTimeout(() => controller.abort(reason), 50);
    const started = performance.now();

    // Act
    const act = verifyRecords(ZONAL, { server, timeoutMs: 10_000, tries: 3, signal: controller.signal });

    // Assess
    await expect(act).rejects.toBe(reason);
    // Far below the 3 × 10 s the queries would take.
    expect(performance.now() - started).toBeLessThan(9_000);
  });
});

describe('verifyCommand arguments', () => {
  it.each([
    ['no --records', [], /give --records or --config/],
    ['a resolver name instead of an address', ['--records', 'x.json', '--resolver', 'dns.google'], /resolver must be/],
    ['a bad --timeout', ['--records', 'x.json', '--timeout', '0'], /--timeout must be/],
    ['an unreadable records file', ['--records', 'events/none.json'], /events\/none\.json: cannot read/],
  ])('rejects %s with a message naming it', async (_scenario, argv, message) => {
    await expect(verifyCommand(argv)).rejects.toThrow(message);
  });
});

describe('formatVerifyReport', () => {
  it('prints one row per name with the failing ones marked, and a summary', () => {
    // Act
    const text = formatVerifyReport({
      ok: false,
      resolvers: ['10.0.0.2'],
      checks: [
        { name: 'a.z', type: 'A', record: '*.z', expected: ['10.0.0.1', '10.0.0.2'], got: ['10.0.0.1'], ok: false },
        { name: 'b.az1.z', type: 'CNAME', record: '*.az1.z', expected: ['t'], got: [], ok: false, error: 'NXDOMAIN' },
        { name: 'c.z', type: 'CNAME', record: '*.z', expected: ['t'], got: ['u', 't'], ok: true, matchedBy: 'cname' },
      ],
    });

    // Assess
    expect(text).toBe(
      [
        'Resolver: 10.0.0.2',
        'RESULT  NAME     TYPE   EXPECTED            GOT',
        'FAIL    a.z      A      10.0.0.1, 10.0.0.2  10.0.0.1',
        'FAIL    b.az1.z  CNAME  t                   NXDOMAIN',
        'ok      c.z      CNAME  t                   u → t',
        '2 of 3 answers do not match the records.',
        '',
      ].join('\n'),
    );
  });
});
