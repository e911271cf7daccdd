import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Logger } from '@aws-lambda-powertools/logger';
import { Webhook } from 'standardwebhooks';
import { zoneSnapshot } from '../../local/azure/seed.ts';
import {
  awsUntouchedZones,
  azureUntouchedZones,
  gcpUntouchedZones,
  type UntouchedZones,
} from '../../local/brownfield-untouched.ts';
import { CONFLUENT_SCENARIO, seedConfluentScenario } from '../../local/confluent/seed.ts';
import { type LocalConfluent, startLocalConfluent } from '../../local/confluent/server.ts';
import {
  AWS_SCENARIO,
  type AwsScenario,
  AZURE_SCENARIO,
  type AzureScenario,
  awsScenarioConfig,
  awsZoneLines,
  azureZoneId,
  createEndpointThroughApi,
  createScenarioRuntime,
  deleteEndpointThroughApi,
  readEventFile,
  replayZoneChange,
  sampleAwsEvent,
  startAwsScenario,
  startAzureScenario,
} from '../../local/demo-scenario.ts';
import {
  GCP_SCENARIO,
  type GcpScenario,
  gcpARecords,
  gcpScenarioConfig,
  pscForwardingRules,
  startGcpScenario,
} from '../../local/gcp/scenario.ts';
import { zoneSnapshot as gcpZoneSnapshot } from '../../local/gcp/seed.ts';
import type { AwsRuntime } from '../aws/runtime.ts';
import { confluentRunConfig } from '../confluent/run-config.ts';
import type { LinkdnsConfig } from '../core/config.ts';
import type { NotificationDestination } from '../core/notification-config.ts';
import type { ChangeLog } from '../core/ports.ts';
import type { RunReport } from '../core/report.ts';
import { createNotifier } from '../notify/notifier.ts';
import { envSecretResolver } from '../notify/secrets.ts';
import { discoverCommand } from './confluent-options.ts';
import { exportZone } from './export.ts';
import { type InvocationOutcome, invokeAwsHandler, invokeAzureFunctions, invokeGcpFunction } from './invoke.ts';
import { formatRunReport, type Palette, paletteFor } from './plan-output.ts';

/**
 * `npm start`: linkdns doing its whole job on the local clouds, in seconds, with no cloud account and no network.
 * Every event goes through the real handler functions, every cloud call through the real SDK clients over HTTP on
 * 127.0.0.1. The demo checks each result itself — independently of linkdns where it can (records derived from the
 * endpoint's own DNS names, signatures verified with the `standardwebhooks` package) — and says "✓" only for what it
 * checked; the first failed check ends it with exit code 1.
 */

/** A check of the demo failed: the message says what was expected and what was found. */
export class DemoCheckError extends Error {
  override readonly name = 'DemoCheckError';
}

interface ReceivedWebhook {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface WebhookReceiver {
  readonly url: string;
  readonly received: ReceivedWebhook[];
  close(): Promise<void>;
}

/** A plain node:http receiver on 127.0.0.1 that keeps every request and answers 204, as a webhook consumer does. */
async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/linkdns`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The demo's webhook destination: plain http to 127.0.0.1 must be allowed explicitly (the SSRF guard refuses it). */
const WEBHOOK_DESTINATION: NotificationDestination = {
  name: 'demo-receiver',
  type: 'webhook',
  url: { env: 'DEMO_WEBHOOK_URL' },
  signingSecret: { env: 'DEMO_WEBHOOK_SECRET' },
  filter: 'changes',
  notifyUnchanged: false,
  allowPrivateHosts: ['127.0.0.1'],
  allowHttp: true,
};

interface Narrator {
  step(title: string): void;
  line(text?: string): void;
  block(text: string): void;
  check(passed: boolean, success: string, failure: () => string): void;
  readonly checks: number;
}

function narrator(write: (text: string) => void, palette: Palette): Narrator {
  let step = 0;
  let checks = 0;
  return {
    step(title) {
      step += 1;
      write(`\n${palette.change(`▸ ${step}. ${title}`)}\n`);
    },
    line(text = '') {
      write(`  ${text}\n`);
    },
    block(text) {
      for (const line of text.replace(/\n+$/, '').split('\n')) write(line ? `    ${line}\n` : '\n');
    },
    check(passed, success, failure) {
      if (!passed) throw new DemoCheckError(`step ${step}: ${failure()}`);
      checks += 1;
      write(`  ${palette.add('✓')} ${success}\n`);
    },
    get checks() {
      return checks;
    },
  };
}

/** The report of a run the demo expects to have reconciled without a failed zone; anything else fails the demo. */
function reportOf(outcome: InvocationOutcome, what: string): RunReport {
  if (outcome.outcome !== 'reconciled') throw new DemoCheckError(`${what} was ${outcome.outcome}: ${outcome.reason}`);
  const failed = outcome.report.zones.find((zone) => zone.outcome === 'failed');
  if (failed) {
    throw new DemoCheckError(
      `${what}: linkdns reports zone ${failed.domain} failed: ${failed.error?.name}: ${failed.error?.message}`,
    );
  }
  return outcome.report;
}

/** Changes of the run's only zone as `create 5` / `update 1, delete 1`, for checks and messages. */
function changeCounts(report: RunReport): { create: number; update: number; delete: number; outcome: string } {
  const [zone, ...others] = report.zones;
  if (!zone || others.length > 0)
    throw new DemoCheckError(`expected one zone in the report, found ${report.zones.length}`);
  return {
    create: zone.changes.create.length,
    update: zone.changes.update.length,
    delete: zone.changes.delete.length,
    outcome: zone.outcome,
  };
}

/**
 * The wildcard records the endpoint needs, derived here from its DnsEntries as DescribeVpcEndpoints shows them —
 * independently of linkdns's code: the regional name for `*`, and for each AZ the name ending in `-<az-name>` under
 * `*.<az-id>` (PRODUCT.md §2).
 */
function expectedAwsLines(scenario: AwsScenario, endpointId: string): string[] {
  const view = scenario.aws.ec2.endpoint(endpointId);
  if (!view) throw new DemoCheckError(`endpoint ${endpointId} is not in the local EC2`);
  const zones = scenario.aws.ec2.availabilityZones;
  return view.DnsEntries.map((entry) => {
    const firstLabel = entry.DnsName.split('.')[0] ?? '';
    const zone = zones.find((candidate) => firstLabel.endsWith(`-${candidate.name}`));
    return `${zone ? `*.${zone.id}` : '*'}.${scenario.domain} CNAME ${entry.DnsName}`;
  }).sort();
}

/** Zone lines with CNAME targets compared without a trailing dot. */
function plainLines(lines: readonly string[]): string[] {
  return lines.map((line) => line.replace(/\.$/, '').replace(/\.,/g, ','));
}

/** The dedicated cluster's records, derived from the fixtures: the IP of each endpoint's NIC, by the zone its alias names. */
function expectedAzureRecords(): Record<string, string[]> {
  const endpoints = readEventFile('azure/cli/private-endpoints.json') as {
    manualPrivateLinkServiceConnections: { privateLinkServiceId: string }[];
    networkInterfaces: { id: string }[];
  }[];
  const nics = readEventFile('azure/cli/network-interfaces.json') as {
    id: string;
    ipConfigurations: { privateIPAddress: string }[];
  }[];
  const records: Record<string, string[]> = { 'A *': [] };
  for (const endpoint of endpoints) {
    const alias = endpoint.manualPrivateLinkServiceConnections[0]?.privateLinkServiceId ?? '';
    const zone = /^s-nk99e-privatelink-(\d+)\./.exec(alias)?.[1];
    const nicId = endpoint.networkInterfaces[0]?.id.toLowerCase();
    const ip = nics.find((nic) => nic.id.toLowerCase() === nicId)?.ipConfigurations[0]?.privateIPAddress;
    if (!zone || !ip) continue;
    records['A *']?.push(ip);
    records[`A *.az${zone}`] = [ip];
  }
  records['A *']?.sort();
  return records;
}

/**
 * The PSC records, derived here from the forwarding rules as `gcloud compute forwarding-rules list` shows them —
 * independently of linkdns's code: `*` with every rule's IP, and `*.<gcp-zone>` with the IP of the rule whose service
 * attachment ends in `-<gcp-zone>` (PRODUCT.md §2).
 */
function expectedGcpRecords(rules: readonly Record<string, unknown>[]): Record<string, string[]> {
  const records: Record<string, string[]> = { 'A *': [] };
  for (const rule of rules) {
    const zone = /-service-attachment-([a-z]+-[a-z]+\d+-[a-z])$/.exec(String(rule.target))?.[1];
    const ip = String(rule.IPAddress);
    if (!zone) continue;
    records['A *']?.push(ip);
    records[`A *.${zone}`] = [ip];
  }
  records['A *']?.sort();
  return records;
}

/** `{ 'A *': [...] }` as sorted entries, to compare two record maps whatever their key order. */
const sortedEntries = (records: Record<string, string[]>) => JSON.stringify(Object.entries(records).sort());

interface DemoContext {
  readonly confluent: LocalConfluent;
  readonly say: Narrator;
  readonly palette: Palette;
  readonly webhooks: WebhookReceiver;
  readonly secret: string;
  readonly warnings: string[];
}

/** Verifies the newest webhook with the independent `standardwebhooks` package and checks what it reports. */
function checkWebhook(context: DemoContext, count: number, expectedEvent: string): void {
  const { say, webhooks, secret } = context;
  say.check(
    webhooks.received.length === count,
    `webhook #${count} arrived at ${webhooks.url}`,
    () => `expected ${count} webhook(s) at the receiver, got ${webhooks.received.length}`,
  );
  const request = webhooks.received[count - 1] as ReceivedWebhook;
  const headers = request.headers as Record<string, string>;
  let payload: { data?: { headline?: string; zones?: { event?: string }[] } };
  try {
    payload = new Webhook(secret).verify(request.body, headers) as typeof payload;
  } catch (error) {
    throw new DemoCheckError(`webhook #${count} failed signature verification: ${(error as Error).message}`);
  }
  say.line(`webhook-id ${headers['webhook-id']}  "${payload.data?.headline}"`);
  const event = payload.data?.zones?.[0]?.event;
  say.check(
    event === expectedEvent,
    `signature verified (standardwebhooks); it reports the zone as ${event}`,
    () => `webhook #${count} reports ${event}, expected ${expectedEvent}`,
  );
}

async function awsPart(context: DemoContext, scenario: AwsScenario, runtime: AwsRuntime): Promise<void> {
  const { say, palette, webhooks } = context;
  const { domain } = scenario;
  const publicZoneBefore = JSON.stringify(scenario.aws.route53.recordSets(scenario.publicZoneId));
  const writes = () => scenario.aws.requests.count('ChangeResourceRecordSets');

  say.step('Terraform creates a 3-AZ PrivateLink endpoint to Confluent Cloud (CreateVpcEndpoint through the EC2 API)');
  const id = await createEndpointThroughApi(scenario);
  const view = scenario.aws.ec2.endpoint(id);
  say.line(`${id} in ${scenario.vpcId}, service ${scenario.service}`);
  for (const entry of view?.DnsEntries ?? []) say.line(palette.dim(`DnsEntry ${entry.DnsName}`));
  say.line(
    palette.dim(
      `AZ names are per account, AZ ids are not: ${scenario.aws.ec2.availabilityZones.map((zone) => `${zone.name} = ${zone.id}`).join(', ')}`,
    ),
  );
  say.check(
    (view?.State === 'pending' || view?.State === 'available') && view.DnsEntries.length === 4,
    `the endpoint is ${view?.State} (as on AWS, pending before available) with one regional and three zonal DNS names`,
    () => `endpoint ${id}: state ${view?.State}, ${view?.DnsEntries.length} DNS names`,
  );

  say.step('CloudTrail CreateVpcEndpoint → the endpoint-event handler, dry run first (the plan)');
  say.line(palette.dim(`events/aws/create-vpc-endpoint.json with the endpoint id rewritten to ${id}`));
  const createEvent = sampleAwsEvent('create-vpc-endpoint.json', { endpointId: id });
  const plan = reportOf(
    await invokeAwsHandler('endpoint-events', createEvent, runtime, { dryRun: true }),
    'the dry run',
  );
  say.block(formatRunReport(plan, palette, 'plan'));
  const planned = changeCounts(plan);
  say.check(
    planned.outcome === 'drift' && planned.create === 5 && writes() === 0 && webhooks.received.length === 0,
    'plan: 4 wildcard records and the ownership registry to create; nothing written, nobody notified',
    () => `plan ${JSON.stringify(planned)}, ${writes()} writes, ${webhooks.received.length} webhooks`,
  );

  say.step('The same event through handleEndpointEvent (the Lambda handler): applied');
  const applied = reportOf(await invokeAwsHandler('endpoint-events', createEvent, runtime), 'the create event');
  say.block(formatRunReport(applied, palette, 'apply'));
  const expected = expectedAwsLines(scenario, id);
  say.check(
    changeCounts(applied).outcome === 'changed' &&
      JSON.stringify(plainLines(awsZoneLines(scenario))) === JSON.stringify(expected),
    'the zone holds exactly the records derived from the endpoint’s DnsEntries (zonal records named by AZ id)',
    () => `zone holds\n${awsZoneLines(scenario).join('\n')}\nexpected\n${expected.join('\n')}`,
  );
  say.line('The zone as a BIND zone file (linkdns export):');
  const records = await runtime.deps.dns.readRecords({ id: scenario.zoneId, domain });
  say.block(exportZone(domain, records).stdout);
  const writesBefore = writes();
  const replay = reportOf(await invokeAwsHandler('endpoint-events', createEvent, runtime), 'the replayed event');
  say.check(
    changeCounts(replay).outcome === 'unchanged' && writes() === writesBefore,
    'the same event delivered again: zone up to date, nothing written (events are hints, the state is re-read)',
    () => `replay: ${JSON.stringify(changeCounts(replay))}, ${writes() - writesBefore} writes`,
  );

  say.step('The signed webhook at the local receiver');
  checkWebhook(context, 1, 'created');
  const first = webhooks.received[0] as ReceivedWebhook;
  const tampered = first.body.replace('"created"', '"cleaned-up"');
  let refused = false;
  try {
    new Webhook(context.secret).verify(tampered, first.headers as Record<string, string>);
  } catch {
    refused = true;
  }
  say.check(
    refused && tampered !== first.body,
    'the same body altered in transit is refused',
    () => 'a tampered body passed verification',
  );

  say.step('Someone edits *.use2-az1 by hand (ChangeResourceRecordSets through the AWS SDK)');
  const zoneEventSample = sampleAwsEvent('change-resource-record-sets.json', { hostedZoneId: scenario.zoneId });
  for (const change of await replayZoneChange(scenario, zoneEventSample)) say.line(`alice: ${change}`);
  say.check(
    JSON.stringify(plainLines(awsZoneLines(scenario))) !== JSON.stringify(expected),
    'the zone now differs from what the endpoint needs',
    () => 'the hand edit did not change the zone',
  );
  say.line(palette.dim('CloudTrail ChangeResourceRecordSets → handleZoneEvent: immediate repair'));
  const repaired = reportOf(await invokeAwsHandler('zone-events', zoneEventSample, runtime), 'the zone event');
  say.block(formatRunReport(repaired, palette, 'apply'));
  say.check(
    changeCounts(repaired).update === 1 &&
      JSON.stringify(plainLines(awsZoneLines(scenario))) === JSON.stringify(expected),
    'repaired: *.use2-az1 points at the endpoint’s use2-az1 name again',
    () => `after the repair the zone holds\n${awsZoneLines(scenario).join('\n')}`,
  );
  checkWebhook(context, 2, 'repaired');

  say.step('A record vanishes and no event arrives → the scheduled repair');
  scenario.aws.route53.removeRecordSet(scenario.zoneId, `*.use2-az3.${domain}`, 'CNAME');
  say.line(palette.dim(`*.use2-az3.${domain} deleted behind linkdns's back (direct state edit, no CloudTrail event)`));
  const scheduled = reportOf(
    await invokeAwsHandler('scheduled-repair', readEventFile('aws/scheduled-repair.json'), runtime),
    'the scheduled repair',
  );
  say.block(formatRunReport(scheduled, palette, 'apply'));
  say.check(
    changeCounts(scheduled).create === 1 &&
      JSON.stringify(plainLines(awsZoneLines(scenario))) === JSON.stringify(expected),
    'the scheduled run recreated *.use2-az3',
    () => `after the scheduled repair the zone holds\n${awsZoneLines(scenario).join('\n')}`,
  );
  checkWebhook(context, 3, 'repaired');

  say.step('Terraform deletes the endpoint → DeleteVpcEndpoints → cleanup');
  await deleteEndpointThroughApi(scenario, id);
  const deleteEvent = sampleAwsEvent('delete-vpc-endpoints.json', { endpointId: id });
  const cleaned = reportOf(await invokeAwsHandler('endpoint-events', deleteEvent, runtime), 'the delete event');
  say.block(formatRunReport(cleaned, palette, 'apply'));
  const left = scenario.aws.route53
    .recordSets(scenario.zoneId)
    .filter((set) => set.type !== 'SOA' && set.type !== 'NS');
  say.check(
    changeCounts(cleaned).delete === 5 && left.length === 0,
    'cleaned up: the private zone holds only its SOA and NS again, registry included',
    () => `left in the zone: ${left.map((set) => `${set.name} ${set.type}`).join(', ')}`,
  );
  say.check(
    JSON.stringify(scenario.aws.route53.recordSets(scenario.publicZoneId)) === publicZoneBefore,
    `the same-named public zone (${scenario.publicZoneId}) was never touched`,
    () => 'the public zone changed',
  );
  checkWebhook(context, 4, 'cleaned-up');
}

async function azurePart(context: DemoContext, scenario: AzureScenario): Promise<void> {
  const { say, palette } = context;
  say.step('Azure: three Private Link endpoints in zones 1–3 → Event Grid → privateEndpointEvents');
  say.line(
    palette.dim('confluent-n-p8xo76-1..3 connect to s-nk99e-privatelink-1..3 (zones 1–3); the zone does not exist yet'),
  );
  const notifier = createNotifier(scenario.settings.config.notifications, {
    secrets: envSecretResolver({ DEMO_WEBHOOK_URL: context.webhooks.url, DEMO_WEBHOOK_SECRET: context.secret }),
    log: warningsInto(context.warnings),
  });
  const [outcome] = await invokeAzureFunctions(
    [{ handler: 'privateEndpointEvents', event: readEventFile('azure/private-endpoint-write.json') }],
    {
      endpoints: scenario.endpoints,
      dns: scenario.dns,
      settings: scenario.settings,
      notifier,
      runConfig: scenario.runConfig,
    },
    { log: warningsInto(context.warnings) },
  );
  const report = reportOf(outcome as InvocationOutcome, 'the Event Grid event');
  say.block(formatRunReport(report, palette, 'apply'));
  const snapshot = zoneSnapshot(scenario.azure.state, azureZoneId());
  const records = Object.fromEntries(Object.entries(snapshot).filter(([key]) => key.startsWith('A ')));
  const expected = expectedAzureRecords();
  for (const [key, values] of Object.entries(records).sort()) say.line(`${key.padEnd(9)} ${values.join(', ')}`);
  say.check(
    JSON.stringify(Object.entries(records).sort()) === JSON.stringify(Object.entries(expected).sort()) &&
      Object.keys(expected).length === 4,
    `created the zone, * with all three IPs and *.az1..3 with one each (${AZURE_SCENARIO.domain})`,
    () => `zone holds ${JSON.stringify(records)}, expected ${JSON.stringify(expected)}`,
  );
  checkWebhook(context, 5, 'created');
}

async function gcpPart(context: DemoContext, scenario: GcpScenario): Promise<void> {
  const { say, palette } = context;
  const { project, region, domain, privateZone, publicZone } = GCP_SCENARIO;
  say.step('Google PSC: three PSC endpoints in us-central1-a..c → Eventarc audit log → forwardingRuleEvents');
  say.line(
    palette.dim(
      `confluent-psc-us-central1-a..c target s-6ky22p-service-attachment-us-central1-a..c; private zone ${privateZone} ` +
        `(empty) and a same-named public zone ${publicZone}`,
    ),
  );
  const publicZoneBefore = JSON.stringify(gcpZoneSnapshot(scenario.gcp.state, project, publicZone));
  const setup = {
    endpoints: scenario.endpoints,
    dns: scenario.dns,
    settings: scenario.settings,
    runConfig: scenario.runConfig,
    notifier: createNotifier(scenario.settings.config.notifications, {
      secrets: envSecretResolver({ DEMO_WEBHOOK_URL: context.webhooks.url, DEMO_WEBHOOK_SECRET: context.secret }),
      log: warningsInto(context.warnings),
    }),
  };
  const log = warningsInto(context.warnings);
  say.line(
    palette.dim('events/gcp/forwarding-rule-insert.json (v1.compute.forwardingRules.insert of ...-us-central1-b)'),
  );
  const inserted = reportOf(
    await invokeGcpFunction('forwardingRuleEvents', readEventFile('gcp/forwarding-rule-insert.json'), setup, { log }),
    'the forwarding-rule insert event',
  );
  say.block(formatRunReport(inserted, palette, 'apply'));
  const shown = (records: Record<string, string[]>) => {
    for (const [key, values] of Object.entries(records).sort()) say.line(`${key.padEnd(20)} ${values.join(', ')}`);
  };
  const created = gcpARecords(scenario.gcp.state);
  shown(created);
  const rules = pscForwardingRules();
  const expected = expectedGcpRecords(rules);
  say.check(
    sortedEntries(created) === sortedEntries(expected) && Object.keys(expected).length === 4,
    `* with all three PSC IPs, *.us-central1-a..c with one each, though the event named one rule (${domain})`,
    () => `zone holds ${JSON.stringify(created)}, expected ${JSON.stringify(expected)}`,
  );
  checkWebhook(context, 6, 'created');

  const deleted = 'confluent-psc-us-central1-b';
  scenario.gcp.state.compute.deleteForwardingRule(project, region, deleted);
  say.line(
    palette.dim(`Terraform deletes ${deleted} (a state change in the local Compute) → forwarding-rule-delete.json`),
  );
  const cleaned = reportOf(
    await invokeGcpFunction('forwardingRuleEvents', readEventFile('gcp/forwarding-rule-delete.json'), setup, { log }),
    'the forwarding-rule delete event',
  );
  say.block(formatRunReport(cleaned, palette, 'apply'));
  const left = gcpARecords(scenario.gcp.state);
  shown(left);
  const expectedLeft = expectedGcpRecords(rules.filter((rule) => rule.name !== deleted));
  say.check(
    sortedEntries(left) === sortedEntries(expectedLeft) && !left['A *']?.includes('10.2.0.12'),
    `10.2.0.12 left *, *.us-central1-b is gone, the other two zonal records stay`,
    () => `zone holds ${JSON.stringify(left)}, expected ${JSON.stringify(expectedLeft)}`,
  );
  // The cross-check against Confluent's zonal_subdomains: us-central1-b is advertised but no endpoint serves it now.
  const advertised = cleaned.zones.flatMap((zone) => zone.conflicts).map((conflict) => conflict.name);
  say.check(
    advertised.length === 1 && advertised[0] === `*.us-central1-b.${domain}`,
    `the cross-check reports *.us-central1-b: Confluent advertises zone us-central1-b, no endpoint serves it any more`,
    () => `conflicts: ${JSON.stringify(advertised)}`,
  );
  const expectedWarning = context.warnings.findIndex((line) => line.includes('no endpoint serves it'));
  if (expectedWarning >= 0) context.warnings.splice(expectedWarning, 1);
  say.check(
    JSON.stringify(gcpZoneSnapshot(scenario.gcp.state, project, publicZone)) === publicZoneBefore &&
      scenario.gcp.requests.entries.every((entry) => !entry.path.includes(`/managedZones/${publicZone}`)),
    `the same-named public zone (${publicZone}) was never touched`,
    () => 'the public zone changed or was addressed',
  );
  checkWebhook(context, 7, 'updated');
}

/** Every zone of the three worlds that is not linkdns's is as seeded, byte for byte, and no write request named it. */
function brownfieldPart(context: DemoContext, clouds: readonly UntouchedZones[]): void {
  const { say } = context;
  say.step("The brownfield around them: other teams' and Azure-managed zones");
  for (const cloud of clouds) {
    const changed = cloud.changed();
    say.check(
      changed.length === 0 && cloud.names.length > 0,
      `${cloud.cloud}: ${cloud.names.join(', ')} exactly as seeded; no write request named them`,
      () =>
        `${cloud.cloud}: ${changed.length > 0 ? changed.join('; ') : 'no zone to watch (the brownfield was not seeded)'}`,
    );
  }
}

/** The environment a user would export for the CLI: the Cloud API key and secret, the local Confluent Cloud's URL. */
function confluentEnvironment(confluent: LocalConfluent): Record<string, string> {
  return {
    CONFLUENT_CLOUD_API_KEY: CONFLUENT_SCENARIO.apiKey,
    CONFLUENT_CLOUD_API_SECRET: CONFLUENT_SCENARIO.apiSecret,
    LINKDNS_CONFLUENT_ENDPOINT: confluent.baseUrl,
  };
}

/** Every configuration of the demo types no mapping: Confluent Cloud's networking API gives them all. */
const DISCOVERY = { mappings: [], confluent: { environments: [CONFLUENT_SCENARIO.environment] } };

async function discoveryPart(context: DemoContext): Promise<void> {
  const { say, palette, confluent } = context;
  say.step(`Confluent Cloud discovery: linkdns discover --environment ${CONFLUENT_SCENARIO.environment}`);
  say.line(
    palette.dim(
      'the configurations below hold "mappings": [] — domains, endpoint services, aliases, attachments and zone labels ' +
        'come from GET /networking/v1/networks and /private-link-attachments',
    ),
  );
  const result = await discoverCommand(
    ['--environment', CONFLUENT_SCENARIO.environment],
    confluentEnvironment(confluent),
  );
  say.block(result.stdout);
  say.block(result.stderr ?? '');
  const lines = result.stdout.trim().split('\n');
  say.check(
    result.exitCode === 0 &&
      lines.length === 8 &&
      lines.some((line) => /privatelink-1\..* zone az1 /.test(line)) &&
      lines.some((line) => /service-attachment-us-central1-c .* zone us-central1-c /.test(line)) &&
      (result.stderr ?? '').includes('skipped n-w9q3e1 (env-lnk7dns): phase PROVISIONING'),
    '8 mappings (AWS, Azure, Google networks and an Azure attachment), zones from zonal_subdomains; the PROVISIONING network and the EXPIRED attachment contribute nothing',
    () => `discover printed:\n${result.stdout}${result.stderr}`,
  );
  confluent.requests.clear();
}

function warningsInto(lines: string[]): ChangeLog {
  return {
    info() {},
    warn: (message, attributes) => lines.push(`warning: ${message} ${JSON.stringify(attributes ?? {})}`),
    error: (message, attributes) => lines.push(`error: ${message} ${JSON.stringify(attributes ?? {})}`),
  };
}

export interface DemoOptions {
  /** Where the narration goes. Default: stdout. */
  readonly write?: (text: string) => void;
  /** Where a failure is explained. Default: stderr. */
  readonly writeError?: (text: string) => void;
  readonly palette?: Palette;
  /**
   * Called once the local clouds run, before the first step: lets a test (or a curious reader) inject faults or
   * tamper with the clouds to see the demo catch it.
   */
  readonly onCloudsStarted?: (clouds: { aws: AwsScenario; azure: AzureScenario; gcp: GcpScenario }) => void;
}

const elapsed = (since: number) => {
  const ms = performance.now() - since;
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`;
};

/** Runs the demo; returns the exit code: 0 when every check passed, 1 at the first that did not. */
export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const writeError = options.writeError ?? ((text: string) => process.stderr.write(text));
  const palette = options.palette ?? paletteFor(process.stdout, process.env);
  const started = performance.now();
  const say = narrator(write, palette);
  const warnings: string[] = [];
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const opened: { close(): Promise<void> }[] = [];
  write('linkdns demo — the whole job on local clouds: 127.0.0.1 only, no cloud account, no network\n');
  try {
    say.step('Start the local clouds and a webhook receiver');
    const webhooks = await startWebhookReceiver();
    opened.push(webhooks);
    const confluent = await startLocalConfluent();
    opened.push(confluent);
    seedConfluentScenario(confluent.state);
    const confluentEnv = confluentEnvironment(confluent);
    // The deployed functions read the Cloud API key and secret through `{ "env": … }` references (app settings).
    const discovered = (config: LinkdnsConfig) =>
      confluentRunConfig(config, {
        secrets: envSecretResolver(confluentEnv),
        endpoint: confluent.baseUrl,
        log: warningsInto(warnings),
      });
    const [aws, azure, gcp] = await Promise.all([
      // Real accounts are brownfield: every cloud holds endpoints, zones and rules that are not linkdns's business.
      startAwsScenario({ brownfield: true }),
      startAzureScenario(
        {
          ...(readEventFile('azure/cli/linkdns-config.json') as Record<string, unknown>),
          ...DISCOVERY,
          notifications: [WEBHOOK_DESTINATION],
        },
        { runConfig: discovered, brownfield: true },
      ),
      startGcpScenario(
        { ...gcpScenarioConfig(), ...DISCOVERY, notifications: [WEBHOOK_DESTINATION] },
        {
          runConfig: discovered,
          brownfield: true,
        },
      ),
    ]);
    opened.push(aws.aws, azure.azure, gcp.gcp);
    const secrets = envSecretResolver({
      DEMO_WEBHOOK_URL: webhooks.url,
      DEMO_WEBHOOK_SECRET: secret,
      ...confluentEnv,
    });
    const runtime = await createScenarioRuntime(
      aws,
      awsScenarioConfig(aws, { ...DISCOVERY, notifications: [WEBHOOK_DESTINATION] }),
      { logger: new Logger({ logLevel: 'SILENT' }), changeLog: warningsInto(warnings), secrets },
      // The local AWS has no account-wide request limit to stay under: no client-side waits.
      { LINKDNS_ROUTE53_RATE: '50', LINKDNS_CONFLUENT_ENDPOINT: confluent.baseUrl },
    );
    say.line(`local AWS (Route 53, EC2)  ${aws.aws.endpoint}`);
    say.line(`local Azure (ARM)          ${azure.azure.baseUrl}`);
    say.line(`local Google Cloud         ${gcp.gcp.baseUrl}  (Cloud DNS, Compute)`);
    say.line(`local Confluent Cloud      ${confluent.baseUrl}  (networking v1: networks, PrivateLink attachments)`);
    say.line(`webhook receiver           ${webhooks.url}  (Standard Webhooks, a fresh signing secret)`);
    say.line(
      `private zone ${AWS_SCENARIO.domain} (${aws.zoneId}) in ${aws.vpcId}; a same-named public zone (${aws.publicZoneId})`,
    );
    say.line(
      `brownfield around them: AWS ${aws.brownfield?.endpoints.length ?? 0} unrelated endpoints (S3 and DynamoDB ` +
        'gateways, S3 interface with wildcard names, AWS services with private DNS, GWLB, VPC Lattice, partners in ' +
        `every state) and corp.internal; Azure ${azure.brownfield?.endpoints.length ?? 0} PaaS endpoints writing into ` +
        `${azure.brownfield?.privatelinkZoneIds.length ?? 0} privatelink.* zones; Google ` +
        `${gcp.brownfield?.rules.length ?? 0} load-balancer and Google-APIs rules and a corporate zone`,
    );
    const context: DemoContext = { confluent, say, palette, webhooks, secret, warnings };
    // As seeded, before anything runs: the zones that are not linkdns's, to compare with at the end.
    const untouched = [awsUntouchedZones(aws), azureUntouchedZones(azure), gcpUntouchedZones(gcp)];
    options.onCloudsStarted?.({ aws, azure, gcp });

    await discoveryPart(context);

    const awsStarted = performance.now();
    await awsPart(context, aws, runtime);
    const awsTime = elapsed(awsStarted);
    const azureStarted = performance.now();
    await azurePart(context, azure);
    const azureTime = elapsed(azureStarted);
    const gcpStarted = performance.now();
    await gcpPart(context, gcp);
    const gcpTime = elapsed(gcpStarted);
    brownfieldPart(context, untouched);

    const route53 = aws.aws.requests.entries.filter((entry) => entry.service === 'route53').length;
    const ec2 = aws.aws.requests.entries.filter((entry) => entry.service === 'ec2').length;
    const arm = azure.azure.requests.entries.length;
    const google = gcp.gcp.requests.entries;
    const cloudDns = google.filter((entry) => entry.path.startsWith('/dns/')).length;
    const compute = google.filter((entry) => entry.path.startsWith('/compute/')).length;
    write(
      `\n${palette.add('✓')} demo passed: ${say.checks} checks in ${elapsed(started)} ` +
        `(AWS steps ${awsTime}, Azure step ${azureTime}, Google step ${gcpTime}); ` +
        `API calls: local AWS ${route53 + ec2} (Route 53 ${route53}, EC2 ${ec2}), local Azure ${arm}, ` +
        `local Google ${google.length} (Cloud DNS ${cloudDns}, Compute ${compute}), ` +
        `local Confluent ${confluent.requests.entries.length} (one discovery per function instance); ` +
        `webhooks: ${webhooks.received.length} received, all verified\n`,
    );
    if (warnings.length > 0)
      write(`${palette.warn(`${warnings.length} warning(s) were logged:`)}\n${warnings.join('\n')}\n`);
    return 0;
  } catch (error) {
    const message = error instanceof DemoCheckError ? error.message : ((error as Error).stack ?? String(error));
    writeError(`\n${palette.remove('✗')} demo failed: ${message}\n`);
    if (warnings.length > 0) writeError(`logged before the failure:\n${warnings.join('\n')}\n`);
    return 1;
  } finally {
    await Promise.allSettled(opened.map((resource) => resource.close()));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await runDemo();
}
