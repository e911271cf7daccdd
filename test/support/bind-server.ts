import { type ChildProcess, spawn } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A real BIND 9 `named`, authoritative for the given zones, on 127.0.0.1 at a free high port. */
export interface BindServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `127.0.0.1:<port>`, as `--resolver` and node:dns `setServers` take it. */
  readonly address: string;
  /** Temporary directory with named.conf and the zone files. */
  readonly directory: string;
  /** Milliseconds from spawning `named` to every zone answering its SOA. */
  readonly startMillis: number;
  /** Everything `named -g` logged so far. */
  log(): string;
  /** Stops `named` (SIGTERM, then SIGKILL after 5 s) and removes the directory. */
  stop(): Promise<void>;
}

export interface StartBindOptions {
  /** Zone name → master file text. */
  readonly zones: Readonly<Record<string, string>>;
  /** @default 10 000 */
  readonly startTimeoutMs?: number;
  readonly signal?: AbortSignal;
}

const INSTALL_HINT =
  'BIND 9 `named` was not found (looked on PATH and in /usr/sbin, /usr/local/sbin). ' +
  'Install it with `apt-get install -y bind9 bind9-dnsutils`; .ci/run does this in CI.';

/**
 * Starts `named` in the foreground (`-g`: no daemonising, log to stderr) from a temporary directory: listening only
 * on 127.0.0.1, no recursion, no NOTIFY, no rndc (`controls { }`), pid and session-key files in the directory.
 * Run as root it stays root (no `-u`), which is fine for a throw-away test server. Resolves once every zone answers
 * its SOA; rejects with named's log when a zone fails to load or named exits.
 */
export async function startBind(options: StartBindOptions): Promise<BindServer> {
  const named = findNamed();
  const directory = await mkdtemp(join(tmpdir(), 'linkdns-bind-'));
  try {
    // The free TCP port may be taken for UDP (or grabbed in between); named then exits at once: try another.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      await writeConfig(directory, port, options.zones);
      try {
        return await launch(named, directory, port, options);
      } catch (error) {
        if (!(error instanceof PortInUseError) || attempt === 3) throw error;
      }
    }
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
}

class PortInUseError extends Error {}

function findNamed(): string {
  const directories = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  const found = directories.map((directory) => join(directory, 'named')).find((path) => existsSync(path));
  if (!found) throw new Error(INSTALL_HINT);
  return found;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not pick a free port');
  return address.port;
}

async function writeConfig(directory: string, port: number, zones: Readonly<Record<string, string>>): Promise<void> {
  const zoneStatements = await Promise.all(
    Object.entries(zones).map(async ([zone, text], index) => {
      const file = `zone-${index}.db`;
      await writeFile(join(directory, file), text);
      return `zone "${zone}" { type primary; file "${file}"; };`;
    }),
  );
  const conf = `options {
  directory "${directory}";
  pid-file "${join(directory, 'named.pid')}";
  session-keyfile "${join(directory, 'session.key')}";
  managed-keys-directory "${directory}";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  notify no;
  dnssec-validation no;
  allow-transfer { none; };
};
controls { };
${zoneStatements.join('\n')}
`;
  await writeFile(join(directory, 'named.conf'), conf);
}

async function launch(named: string, directory: string, port: number, options: StartBindOptions): Promise<BindServer> {
  const started = performance.now();
  const child = spawn(named, ['-g', '-4', '-c', join(directory, 'named.conf')], {
    cwd: directory,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    log += chunk;
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  const stop = async () => {
    if (!hasExited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(directory, { recursive: true, force: true });
  };

  try {
    await waitUntilServing(
      child,
      port,
      Object.keys(options.zones),
      () => log,
      () => hasExited,
      options,
    );
  } catch (error) {
    if (!hasExited) {
      child.kill('SIGKILL');
      await exited;
    }
    throw error;
  }
  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    directory,
    startMillis: Math.round(performance.now() - started),
    log: () => log,
    stop,
  };
}

async function waitUntilServing(
  child: ChildProcess,
  port: number,
  zones: readonly string[],
  log: () => string,
  hasExited: () => boolean,
  options: StartBindOptions,
): Promise<void> {
  const resolver = new Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  const deadline = performance.now() + (options.startTimeoutMs ?? 10_000);
  const pending = new Set(zones);
  while (pending.size > 0) {
    options.signal?.throwIfAborted();
    const notLoaded = /zone (\S+)\/IN: not loaded due to errors/.exec(log());
    if (notLoaded) throw new Error(`named could not load zone ${notLoaded[1]}:\n${log()}`);
    if (hasExited()) {
      if (/address in use/i.test(log())) throw new PortInUseError(`port ${port} in use`);
      throw new Error(`named (pid ${child.pid}) exited before serving:\n${log()}`);
    }
    if (performance.now() > deadline) {
      throw new Error(`named did not answer SOA for ${[...pending].join(', ')} within the start timeout:\n${log()}`);
    }
    for (const zone of [...pending]) {
      try {
        await resolver.resolveSoa(zone);
        pending.delete(zone);
      } catch {
        // Not listening or not loaded yet.
      }
    }
    if (pending.size > 0) await sleep(25, undefined, { signal: options.signal });
  }
}
