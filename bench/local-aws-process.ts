import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LinkdnsConfig } from '../functions/core/config.ts';
import type { FleetShape } from './fleet.ts';

/** What the parent asks the local AWS process (`local-aws-child.ts`). */
export type ChildRequest =
  | { readonly method: 'seed'; readonly shape: FleetShape }
  | { readonly method: 'resetRequests' }
  | { readonly method: 'requestFigures' }
  | { readonly method: 'divergent' }
  | { readonly method: 'createQueue'; readonly name: string }
  | { readonly method: 'memory' };

export type ChildReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** The seeded fleet as the parent needs it: the configuration to run with and the counts to print. */
export interface FleetSummary {
  readonly config: LinkdnsConfig;
  readonly zones: number;
  readonly otherEndpoints: number;
  readonly domains: number;
  readonly drifted: number;
  readonly drift: { readonly tampered: number; readonly deleted: number; readonly orphaned: number };
}

/** The local AWS's request log since the last reset, summed up in the child (the log itself stays there). */
export interface RequestFigures {
  readonly byOperation: Readonly<Record<string, number>>;
  /** Requests per service (`route53`, `ec2`, `sqs`). */
  readonly byService: Readonly<Record<string, number>>;
  /** Request and response body bytes per service. */
  readonly bytes: Readonly<Record<string, { readonly sent: number; readonly received: number }>>;
  /** Zones that received at least one ChangeResourceRecordSets, and the most one zone received. */
  readonly changedZones: number;
  readonly maxChangeBatchesPerZone: number;
  readonly zonesWithSeveralBatches: readonly string[];
  /** Route 53 requests the local AWS received in each second of the run (from its first Route 53 request). */
  readonly route53PerSecond: readonly number[];
}

/** The local AWS running in a child process, and the calls the bench makes to it besides the AWS APIs. */
export interface LocalAwsProcess {
  readonly endpoint: string;
  readonly region: string;
  seed(shape: FleetShape): Promise<FleetSummary>;
  resetRequests(): Promise<void>;
  requestFigures(): Promise<RequestFigures>;
  /** Zones that still differ from their endpoints, or whose foreign record was touched (empty: converged). */
  divergent(): Promise<string[]>;
  createQueue(name: string): Promise<string>;
  memory(): Promise<NodeJS.MemoryUsage>;
  close(): Promise<void>;
}

/**
 * Forks `local-aws-child.ts` (with the parent's loader flags, so tsx runs it) and waits until it listens on
 * 127.0.0.1. Requests and answers go over the IPC channel, one id each.
 */
export async function startLocalAwsProcess(): Promise<LocalAwsProcess> {
  const child = fork(fileURLToPath(new URL('./local-aws-child.ts', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('exit', (code) => {
    for (const { reject } of pending.values()) reject(new Error(`the local AWS process exited (code ${code})`));
    pending.clear();
  });
  child.on('message', (reply: ChildReply) => {
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(new Error(`local AWS process: ${reply.error}`));
  });
  const ready = (await new Promise<unknown>((resolve, reject) => {
    pending.set(0, { resolve, reject });
  })) as { endpoint: string; region: string };
  const ask = <T>(request: ChildRequest): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId;
      nextId += 1;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      send(child, { ...request, id });
    });
  return {
    endpoint: ready.endpoint,
    region: ready.region,
    seed: (shape) => ask({ method: 'seed', shape }),
    resetRequests: () => ask({ method: 'resetRequests' }),
    requestFigures: () => ask({ method: 'requestFigures' }),
    divergent: () => ask({ method: 'divergent' }),
    createQueue: (name) => ask({ method: 'createQueue', name }),
    memory: () => ask({ method: 'memory' }),
    close: async () => {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}

function send(child: ChildProcess, message: ChildRequest & { id: number }): void {
  child.send(message);
}
