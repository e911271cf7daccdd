import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * `npm run bench:cli`: how fast the built CLI starts and how much memory it takes, whole process, next to `node -e 0`
 * on the same machine at the same moment. Each command runs in a fresh process; runs round-robin over the commands so
 * drift in machine load spreads evenly; the median of the measured runs is printed, with its ratio to `node -e 0`.
 *
 *   npm run build && npm run bench:cli              7 measured runs per command after one discarded warm-up
 *   npm run bench:cli -- --runs 15
 *
 * Peak RSS is `process.resourceUsage().maxRSS` at exit, reported by a one-line `--import` probe that every command,
 * the baseline included, runs with. Exits non-zero when a command fails unexpectedly or dist/ is not built.
 */
const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Number(args.runs);
if (!Number.isInteger(runs) || runs <= 0) throw new RangeError('--runs must be a positive integer');

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin/linkdns.js');
const SAMPLES = join(ROOT, 'events/aws/cli');
const DOMAIN = 'pr1jy6.us-east-2.aws.confluent.cloud';
const RSS_TAG = 'linkdns-bench-max-rss-kib=';
const PROBE = `data:text/javascript,process.on('exit',()=>process.stderr.write('\\n${RSS_TAG}'+process.resourceUsage().maxRSS+'\\n'))`;

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  /** Exit codes that mean the command did its job. */
  readonly exitCodes: readonly number[];
}

interface Sample {
  readonly wallMs: number;
  readonly rssKib: number;
}

await readFile(join(ROOT, 'dist/cli/main.js')).catch(() => {
  throw new Error('dist/cli/main.js is missing: run npm run build first');
});
const work = await mkdtemp(join(tmpdir(), 'linkdns-bench-cli-'));
// `verify` checks names against a resolver; this one answers every query at once with REFUSED, so the run measures
// the command and not a network.
const resolver = await refusingResolver();
try {
  const records = join(work, 'records.json');
  const recordsArgs = [
    'records',
    '--domain',
    DOMAIN,
    '--aws-endpoints',
    join(SAMPLES, 'dedicated-3az.vpc-endpoints.json'),
    '--aws-subnets',
    join(SAMPLES, 'dedicated-3az.subnets.json'),
  ];
  const written = await run([BIN, ...recordsArgs, '--json']);
  if (written.code !== 0) throw new Error(`linkdns records failed: ${written.stderr}`);
  await writeFile(records, written.stdout);

  const cases: readonly Case[] = [
    { name: 'node -e 0', args: ['-e', '0'], exitCodes: [0] },
    { name: 'linkdns --version', args: [BIN, '--version'], exitCodes: [0] },
    { name: 'linkdns --help', args: [BIN, '--help'], exitCodes: [0] },
    { name: 'linkdns records (3-AZ sample)', args: [BIN, ...recordsArgs], exitCodes: [0] },
    {
      name: 'linkdns export --records',
      args: [BIN, 'export', '--domain', DOMAIN, '--records', records],
      exitCodes: [0],
    },
    {
      name: 'linkdns verify --records',
      args: [BIN, 'verify', '--records', records, '--resolver', `127.0.0.1:${resolver.port}`, '--tries', '1'],
      // 1: the refusing resolver makes every check fail, as intended.
      exitCodes: [1],
    },
  ];

  const samples = new Map<Case, Sample[]>(cases.map((item) => [item, []]));
  for (let round = 0; round <= runs; round++) {
    for (const item of cases) {
      const started = performance.now();
      const result = await run(item.args);
      const wallMs = performance.now() - started;
      if (!item.exitCodes.includes(result.code)) {
        throw new Error(`${item.name}: exit ${result.code}\n${result.stderr}`);
      }
      const rss = result.stderr.match(new RegExp(`${RSS_TAG}(\\d+)`));
      if (!rss?.[1]) throw new Error(`${item.name}: no peak RSS reported`);
      if (round > 0) samples.get(item)?.push({ wallMs, rssKib: Number(rss[1]) });
    }
  }

  const baseline = summarize(samples.get(cases[0] as Case) ?? []);
  const rows = cases.map((item) => {
    const { wallMs, rssKib } = summarize(samples.get(item) ?? []);
    return [
      item.name,
      `${wallMs.toFixed(0)} ms`,
      `${(wallMs / baseline.wallMs).toFixed(2)}×`,
      `${(rssKib / 1024).toFixed(1)} MiB`,
      `${(rssKib / baseline.rssKib).toFixed(2)}×`,
    ];
  });
  printTable(['command', 'wall (median)', 'vs node -e 0', 'peak RSS (median)', 'vs node -e 0'], rows);
  console.log(`\n${runs} measured runs per command after one discarded warm-up; ${process.version} ${process.arch}`);
} finally {
  resolver.close();
  await rm(work, { recursive: true, force: true });
}

function summarize(list: readonly Sample[]): Sample {
  const median = (values: number[]) => {
    const sorted = values.sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  };
  return { wallMs: median(list.map((sample) => sample.wallMs)), rssKib: median(list.map((sample) => sample.rssKib)) };
}

/** Runs Node 22 (this process's binary) with the RSS probe; no colours, so output does not depend on the terminal. */
function run(nodeArgs: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', PROBE, ...nodeArgs], {
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code: code ?? -1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
  });
}

/** A UDP DNS server on 127.0.0.1 that answers every query with its header flags set to a REFUSED response. */
async function refusingResolver(): Promise<{ port: number; close(): void }> {
  const socket = createSocket('udp4');
  socket.on('message', (query, peer) => {
    if (query.length < 12) return;
    const answer = Buffer.from(query);
    answer[2] = 0x80 | ((query[2] ?? 0) & 0x79); // QR=1, keep opcode and RD
    answer[3] = 0x05; // RCODE 5: REFUSED
    answer.writeUInt16BE(0, 6);
    answer.writeUInt16BE(0, 8);
    answer.writeUInt16BE(0, 10);
    socket.send(answer, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, close: () => socket.close() };
}

function printTable(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  for (const row of [header, ...rows]) {
    console.log(
      row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)))
        .join('  '),
    );
  }
}
