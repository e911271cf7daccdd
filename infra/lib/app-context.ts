import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Node } from 'constructs';
import { ConfigError } from '../../functions/core/errors.ts';
import type { LinkdnsConfigInput, RepairMode } from './private-link-dns.ts';

/** Relative `linkdns:config` paths are resolved against `infra/`, where `cdk.json` lives. */
const INFRA_DIRECTORY = fileURLToPath(new URL('../', import.meta.url));

/** What the app reads from CDK context (`cdk.json` or `-c key=value`). */
export interface AppContext {
  /** `linkdns:config`: path of the JSON configuration file. */
  readonly configPath: string;
  readonly config: LinkdnsConfigInput;
  /** `linkdns:account` / `linkdns:region`, else the CLI's `CDK_DEFAULT_ACCOUNT` / `CDK_DEFAULT_REGION`. */
  readonly account?: string;
  readonly region?: string;
  readonly zoneIds: string[];
  /** `linkdns:schedule`: an EventBridge expression, `rate(30 minutes)` or `cron(…)`. */
  readonly schedule?: string;
  readonly repairMode?: RepairMode;
  readonly createZones?: boolean;
  /** `linkdns:anyHostedZone`: the construct's `allowAnyHostedZone` opt-in. */
  readonly anyHostedZone?: boolean;
  readonly extraVpcIds: string[];
  readonly alarmTopicArn?: string;
  readonly spokeAccounts: string[];
  readonly spokeRoleName?: string;
  readonly zoneEvents: boolean;
  readonly connectionNotifications: boolean;
  /** `linkdns:spokeOf`: synthesise the spoke stack for this central account instead of the central stacks. */
  readonly spokeOf?: string;
  readonly centralRegion?: string;
}

/**
 * Reads and checks the app's context values, reporting every problem at once. Lists accept a JSON array or a
 * comma-separated string (what `-c key=a,b` gives); booleans accept `true`/`false`.
 */
export function readAppContext(
  node: Node,
  env: Readonly<Record<string, string | undefined>> = process.env,
): AppContext {
  const problems: string[] = [];
  const raw = (key: string): unknown => node.tryGetContext(`linkdns:${key}`);
  const text = (key: string): string | undefined => {
    const value = raw(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') problems.push(`linkdns:${key}: must be a string`);
    return typeof value === 'string' ? value : undefined;
  };
  const list = (key: string): string[] => {
    const value = raw(key);
    if (value === undefined || value === null || value === '') return [];
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
    if (typeof value === 'string') {
      return value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
    }
    problems.push(`linkdns:${key}: must be a list of strings or a comma-separated string`);
    return [];
  };
  const flag = (key: string): boolean | undefined => {
    const value = raw(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    problems.push(`linkdns:${key}: must be true or false`);
    return undefined;
  };

  const configPath = text('config') ?? 'config/linkdns.example.json';
  const absoluteConfigPath = isAbsolute(configPath) ? configPath : resolve(INFRA_DIRECTORY, configPath);
  let config: LinkdnsConfigInput = { owner: '' };
  try {
    config = JSON.parse(readFileSync(absoluteConfigPath, 'utf8')) as LinkdnsConfigInput;
  } catch (error) {
    problems.push(`linkdns:config: cannot read ${absoluteConfigPath}: ${(error as Error).message}`);
  }

  const repairMode = text('repairMode');
  if (repairMode !== undefined && repairMode !== 'repair' && repairMode !== 'detect-only') {
    problems.push('linkdns:repairMode: must be repair or detect-only');
  }
  const schedule = text('schedule');
  if (schedule !== undefined && !/^(rate|cron)\(.+\)$/.test(schedule)) {
    problems.push('linkdns:schedule: must be an EventBridge expression such as rate(30 minutes) or cron(0 * * * ? *)');
  }
  const accountPattern = /^\d{12}$/;
  const spokeAccounts = list('spokeAccounts');
  for (const account of spokeAccounts.filter((value) => !accountPattern.test(value))) {
    problems.push(`linkdns:spokeAccounts: "${account}" is not a 12-digit account ID`);
  }
  const spokeOf = text('spokeOf');
  if (spokeOf !== undefined && !accountPattern.test(spokeOf)) {
    problems.push(`linkdns:spokeOf: "${spokeOf}" is not a 12-digit account ID`);
  }

  const context: AppContext = {
    configPath: absoluteConfigPath,
    config,
    zoneIds: list('zoneIds'),
    extraVpcIds: list('extraVpcIds'),
    spokeAccounts,
    zoneEvents: flag('zoneEvents') ?? true,
    connectionNotifications: flag('connectionNotifications') ?? false,
    ...optional('account', text('account') ?? env.CDK_DEFAULT_ACCOUNT),
    ...optional('region', text('region') ?? env.CDK_DEFAULT_REGION),
    ...optional('schedule', schedule),
    ...optional('repairMode', repairMode as RepairMode | undefined),
    ...optional('createZones', flag('createZones')),
    ...optional('anyHostedZone', flag('anyHostedZone')),
    ...optional('alarmTopicArn', text('alarmTopicArn')),
    ...optional('spokeRoleName', text('spokeRoleName')),
    ...optional('spokeOf', spokeOf),
    ...optional('centralRegion', text('centralRegion')),
  };
  if (problems.length > 0) throw new ConfigError('CDK context', problems);
  return context;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
