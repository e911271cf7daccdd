import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { afterEach, beforeEach } from 'vitest';
import type { Notifier } from '../../functions/core/ports.ts';
import type { RunReport } from '../../functions/core/report.ts';
import type { SweepQueued } from '../../functions/core/sweep.ts';
import { createGcpAdapters } from '../../functions/gcp/adapters.ts';
import { fetchTransport, GoogleApiClient, staticToken } from '../../functions/gcp/google-api.ts';
import { createGcpHandlers, type GcpHandlerResult, type GcpHandlers } from '../../functions/gcp/handlers.ts';
import { type GcpSettings, readGcpSettings } from '../../functions/gcp/settings.ts';
import {
  GCP_SCENARIO,
  type GcpWorldOptions,
  gcpScenarioConfig,
  pscForwardingRules,
  seedGcpScenario,
} from '../../local/gcp/scenario.ts';
import { zoneSnapshot } from '../../local/gcp/seed.ts';
import { type LocalGcp, startLocalGcp } from '../../local/gcp/server.ts';

/** The world of the GCP tests (local/gcp/scenario.ts): the fixtures' project, network, domain and the zones people made. */
export const PROJECT: string = GCP_SCENARIO.project;
export const DOMAIN: string = GCP_SCENARIO.domain;
export const NETWORK: string = GCP_SCENARIO.network;
export const OTHER_NETWORK = 'https://www.googleapis.com/compute/v1/projects/acme-prod/global/networks/analytics';
export const PRIVATE_ZONE: string = GCP_SCENARIO.privateZone;
export const PUBLIC_ZONE: string = GCP_SCENARIO.publicZone;
export const LINKDNS_SA: string = GCP_SCENARIO.serviceAccount;

export const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
export const baseConfig = gcpScenarioConfig();
export const fixtureRules = pscForwardingRules;

/** An accepted PSC forwarding rule to `target` in the scenario's project, region us-central1 and network. */
export function acceptedPscRule(rule: {
  readonly name: string;
  readonly ip: string;
  readonly target: string;
  readonly id: number;
  readonly pscConnectionId: number;
}): Record<string, unknown> {
  const region = `https://www.googleapis.com/compute/v1/projects/${PROJECT}/regions/us-central1`;
  return {
    kind: 'compute#forwardingRule',
    id: String(rule.id),
    name: rule.name,
    IPAddress: rule.ip,
    network: NETWORK,
    pscConnectionId: String(rule.pscConnectionId),
    pscConnectionStatus: 'ACCEPTED',
    region,
    selfLink: `${region}/forwardingRules/${rule.name}`,
    target: rule.target,
  };
}

export function ruleSelfLink(name: string): string {
  return `https://www.googleapis.com/compute/v1/projects/${PROJECT}/regions/us-central1/forwardingRules/${name}`;
}

/** An audit-log sample from events/gcp, re-pointed at forwarding rule `name` and given `id`. */
export function ruleEvent(kind: 'insert' | 'delete', name: string, id = `${kind}-${name}`): Record<string, unknown> {
  const sample = structuredClone(readJson(`events/gcp/forwarding-rule-${kind}.json`)) as {
    id: string;
    resourcename: string;
    data: { protoPayload: { resourceName: string; request: Record<string, unknown> } };
  };
  const resourceName = `projects/${PROJECT}/regions/us-central1/forwardingRules/${name}`;
  sample.id = id;
  sample.resourcename = resourceName;
  sample.data.protoPayload.resourceName = resourceName;
  if (sample.data.protoPayload.request.name) sample.data.protoPayload.request.name = name;
  return sample as unknown as Record<string, unknown>;
}

export interface GcpHarness {
  readonly gcp: LocalGcp;
  readonly handlers: GcpHandlers;
  readonly settings: GcpSettings;
  readonly notified: RunReport[];
  readonly logs: string[];
  /** `{ 'A *': [...], 'TXT _linkdns': [...] }` of a zone of the project. */
  zone(name?: string): Record<string, string[]>;
  close(): Promise<void>;
}

/** Which parts of the scenario's world to seed ({@link GcpWorldOptions}), and how the functions are set up. */
export interface HarnessOptions extends GcpWorldOptions {
  readonly config?: Record<string, unknown>;
  readonly pageSize?: number;
  readonly regions?: string;
  readonly detectOnly?: boolean;
  readonly timeoutMs?: number;
  /** Further environment for the functions' settings, e.g. a Shared VPC's host and service projects. */
  readonly env?: Readonly<Record<string, string>>;
  /** Per-request timeout of the Google client. Default: DEFAULT_REQUEST_TIMEOUTS. */
  readonly requestTimeoutMs?: number;
  /** The handlers' clock. Default: a fixed instant. */
  readonly now?: () => Date;
}

/** Starts the local Google Cloud with the fixture world and wires the real handlers to it through the real client. */
export async function startGcpHarness(options: HarnessOptions = {}): Promise<GcpHarness> {
  const gcp = await startLocalGcp({ pageSize: options.pageSize ?? 100 });
  seedGcpScenario(gcp.state, options);
  const settings = readGcpSettings({
    LINKDNS_CONFIG: JSON.stringify(options.config ?? baseConfig),
    LINKDNS_GCP_PROJECT: PROJECT,
    LINKDNS_GCP_REGIONS: options.regions ?? 'us-central1',
    LINKDNS_SERVICE_ACCOUNT: LINKDNS_SA,
    LINKDNS_REPAIR_DETECT_ONLY: options.detectOnly ? 'true' : 'false',
    LINKDNS_GCP_API_ROOT: gcp.baseUrl,
    ...options.env,
  });
  const notified: RunReport[] = [];
  const notifier: Notifier = {
    notify: async (report) => {
      notified.push(report);
    },
  };
  const logs: string[] = [];
  const log = {
    info: (message: string, attributes?: Record<string, unknown>) =>
      logs.push(`info: ${message}${attributes ? ` ${JSON.stringify(attributes)}` : ''}`),
    warn: (message: string) => logs.push(`warn: ${message}`),
    error: (message: string, attributes?: Record<string, unknown>) =>
      logs.push(`error: ${message} ${JSON.stringify(attributes ?? {})}`),
  };
  const { endpoints, dns, sweepTopic, sweepBacklog } = createGcpAdapters(settings, staticToken('local-token'), {
    log,
    pollIntervalMs: 1,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...(options.requestTimeoutMs ? { timeouts: { connectMs: 3_000, requestMs: options.requestTimeoutMs } } : {}),
  });
  const handlers = createGcpHandlers({
    endpoints,
    dns,
    settings,
    notifier,
    log,
    // With LINKDNS_SWEEP_TOPIC in `env`: the coordinator publishes to the local Pub/Sub, as functions.ts wires it.
    ...(sweepTopic ? { sweepTopic } : {}),
    // With LINKDNS_SWEEP_SUBSCRIPTION too: it reads that subscription's backlog from the local Cloud Monitoring first.
    ...(sweepBacklog ? { sweepBacklog } : {}),
    now: options.now ?? (() => new Date('2026-10-05T16:00:00Z')),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  return {
    gcp,
    handlers,
    settings,
    notified,
    logs,
    zone: (name = PRIVATE_ZONE) => zoneSnapshot(gcp.state, PROJECT, name),
    close: () => gcp.close(),
  };
}

export function reportOf(result: GcpHandlerResult | SweepQueued): RunReport {
  if (result.outcome !== 'reconciled') throw new Error(`expected a reconciled run, got ${JSON.stringify(result)}`);
  return result.report;
}

/** A-record sets of a snapshot (what linkdns manages), without SOA, NS and the registry. */
export function aRecords(snapshot: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(snapshot).filter(([key]) => key.startsWith('A ')));
}

/**
 * A CloudEvent posted over HTTP (structured mode) to a function registered with the Functions Framework, as Eventarc
 * delivers it; resolves to the answer's status. The test server is added to `servers` for closing.
 */
export async function postCloudEvent(
  functionName: string,
  event: unknown,
  servers: { close(): void }[],
): Promise<number> {
  const server = getTestServer(functionName);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const response = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify(event),
  });
  await response.text();
  return response.status;
}

/**
 * The local Google with one Pub/Sub topic and a subscription on it, and a Google API client whose every root is the
 * local cloud (two attempts, 1 ms backoff: retries are visible in the request log without slowing a test).
 */
export async function startLocalPubSub(
  topic: string,
  subscription: string,
): Promise<{ gcp: LocalGcp; client: GoogleApiClient }> {
  const gcp = await startLocalGcp();
  gcp.state.pubsub.createTopic(topic);
  gcp.state.pubsub.createSubscription(subscription, topic);
  const client = new GoogleApiClient({
    transport: fetchTransport(staticToken('local')),
    roots: { dns: gcp.baseUrl, compute: gcp.baseUrl, pubsub: gcp.baseUrl, monitoring: gcp.baseUrl },
    retry: { maxAttempts: 2, baseDelayMs: 1 },
  });
  return { gcp, client };
}

/**
 * {@link startLocalPubSub} before each test of the suite this is called in, closed after it: read `gcp` and `client`
 * inside the tests.
 */
export function useLocalPubSub(
  topic: string,
  subscription: string,
): { readonly gcp: LocalGcp; readonly client: GoogleApiClient } {
  let started: { gcp: LocalGcp; client: GoogleApiClient } | undefined;
  const current = () => {
    if (!started) throw new Error('useLocalPubSub: read gcp and client inside a test, not while the suite loads');
    return started;
  };
  beforeEach(async () => {
    started = await startLocalPubSub(topic, subscription);
  });
  afterEach(async () => {
    await started?.gcp.close();
    started = undefined;
  });
  return {
    get gcp() {
      return current().gcp;
    },
    get client() {
      return current().client;
    },
  };
}
