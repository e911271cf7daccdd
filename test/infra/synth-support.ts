import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';

/** One violation from CDK's validation report (cdk-nag findings that were not acknowledged). */
export interface NagViolation {
  readonly rule: string;
  readonly paths: readonly string[];
}

export interface Synthesized {
  readonly stacks: readonly Stack[];
  readonly template: (stack: Stack) => Template;
  readonly violations: readonly NagViolation[];
  /** Where the cloud assembly was written; removed by {@link Synthesized.dispose}. */
  readonly directory: string;
  dispose(): void;
}

export interface SynthOptions {
  /** Run esbuild for the functions (slow); off by default: the templates do not depend on the bundle. */
  readonly bundle?: boolean;
  readonly context?: Record<string, unknown>;
  /** Register cdk-nag here; off when `define` registers it itself (as `defineLinkdnsApp` does). */
  readonly registerNag?: boolean;
}

/**
 * Builds stacks in a fresh app with cdk-nag's AwsSolutions checks registered as CDK does in `infra/app.ts`, synthesises
 * once into a temporary directory and returns the templates and the unacknowledged findings. Synthesis does not
 * throw on findings here: the test asserts on them, so a failure names each rule and resource.
 */
export function synthesize(define: (app: App) => readonly Stack[], options: SynthOptions = {}): Synthesized {
  const directory = mkdtempSync(join(tmpdir(), 'linkdns-cdk-'));
  const app = new App({
    outdir: directory,
    context: {
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
      // Collect the report instead of throwing at the first failing stack.
      '@aws-cdk/core:failSynthOnValidationErrors': false,
      ...options.context,
    },
  });
  if (options.registerNag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stacks = define(app);
  const assembly = app.synth();
  const templates = new Map<Stack, Template>();
  return {
    stacks,
    directory,
    template: (stack) => {
      let template = templates.get(stack);
      if (!template) {
        template = Template.fromJSON(JSON.parse(readFileSync(join(assembly.directory, stack.templateFile), 'utf8')));
        templates.set(stack, template);
      }
      return template;
    },
    violations: readViolations(assembly.directory),
    dispose: () => rmSync(directory, { recursive: true, force: true }),
  };
}

function readViolations(directory: string): NagViolation[] {
  const report = JSON.parse(readFileSync(join(directory, 'validation-report.json'), 'utf8')) as {
    pluginReports: { violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }[];
  };
  return report.pluginReports.flatMap((plugin) =>
    plugin.violations.map((violation) => ({
      rule: violation.ruleName,
      paths: violation.violatingConstructs.map((construct) => construct.constructPath),
    })),
  );
}

/** An IAM statement as it appears in a template. */
export interface TemplateStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

/** The statements of every policy attached to the role whose logical id starts with `rolePrefix`. */
export function roleStatements(template: Template, rolePrefix: string): TemplateStatement[] {
  const roles = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.startsWith(rolePrefix));
  if (roles.length !== 1) throw new Error(`expected one role starting with ${rolePrefix}, found ${roles.join(', ')}`);
  const [role] = roles;
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { Roles: { Ref: string }[]; PolicyDocument: { Statement: TemplateStatement[] } };
  }[];
  return policies
    .filter((policy) => policy.Properties.Roles.some((ref) => ref.Ref === role))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

/** A template value as one string, CloudFormation functions rendered the way cdk-nag names them (`<Logical.Arn>`). */
export function renderValue(node: unknown): string {
  if (typeof node === 'string') return node;
  const value = node as Record<string, unknown>;
  if (Array.isArray(value['Fn::Join'])) {
    const [delimiter, items] = value['Fn::Join'] as [string, unknown[]];
    return items.map(renderValue).join(delimiter);
  }
  if (Array.isArray(value['Fn::GetAtt'])) return `<${(value['Fn::GetAtt'] as string[]).join('.')}>`;
  if ('Ref' in value) return `<${String(value.Ref)}>`;
  return JSON.stringify(node);
}

/** `Resource` as a list of rendered strings. */
export function resourcesOf(statement: TemplateStatement): string[] {
  return (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).map(renderValue);
}

export function actionsOf(statement: TemplateStatement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}
