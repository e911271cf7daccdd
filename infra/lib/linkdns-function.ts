import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { type PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { HandlerName } from './handler-entries.ts';
import { lambdaCode } from './lambda-code.ts';

/** The runtime every linkdns function uses; the toolchain and the bundle target are Node 22 (PRODUCT.md §7). */
export const LINKDNS_RUNTIME = Runtime.NODEJS_22_X;

export interface LinkdnsFunctionProps {
  /** Which handler the function runs (its code: {@link lambdaCode}). */
  readonly handler: HandlerName;
  readonly description: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly logRetention: RetentionDays;
  /** Where invocations go once Lambda's async retries are exhausted. */
  readonly onFailure: IQueue;
  /** Lambda async retries after a function error (0–2). */
  readonly asyncRetryAttempts: number;
  /** How long Lambda keeps an async event before it goes to `onFailure`. */
  readonly maxEventAge: Duration;
  /** IAM path of the role; spoke accounts trust roles under it. */
  readonly rolePath: string;
  /** @default - the errors alarm has no action */
  readonly alarmTopic?: ITopic;
  /**
   * Most instances that may run at once. With the per-instance Route 53 rate this bounds the deployment's Route 53
   * requests by construction (see `route53Budget`).
   */
  readonly reservedConcurrentExecutions: number;
}

/**
 * One linkdns Lambda function with everything it owns: a role with no managed policies (statements are added per
 * purpose), its own log group with retention, its bundle ({@link lambdaCode}: pre-built in the npm package, bundled
 * from source in this repository), async retries into a failure queue, and an errors alarm.
 */
export class LinkdnsFunction extends Construct {
  readonly function: LambdaFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly errorsAlarm: Alarm;

  constructor(scope: Construct, id: string, props: LinkdnsFunctionProps) {
    super(scope, id);
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      path: props.rolePath,
      description: `linkdns ${id}`,
    });
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention });
    this.logGroup.grantWrite(this.role);

    this.function = new LambdaFunction(this, 'Function', {
      code: lambdaCode(props.handler),
      // `handler` exported by index.mjs (LAMBDA_BUNDLE_FILE).
      handler: 'index.handler',
      description: props.description,
      runtime: LINKDNS_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'linkdns',
        POWERTOOLS_METRICS_NAMESPACE: 'linkdns',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
    });
    this.function.configureAsyncInvoke({
      retryAttempts: props.asyncRetryAttempts,
      maxEventAge: props.maxEventAge,
      onFailure: new SqsDestination(props.onFailure),
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x on purpose: the bundle targets Node 22, the version the project builds and tests ' +
        'with (PRODUCT.md §7); moving to nodejs24.x is a deliberate upgrade, not a drift.',
    });

    this.errorsAlarm = new Alarm(this, 'ErrorsAlarm', {
      alarmDescription: `linkdns: ${id} failed (function errors, including retried ones). See its log group.`,
      metric: this.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic) this.errorsAlarm.addAlarmAction(new SnsAction(props.alarmTopic));
  }

  /** Adds statements to the function's own role. */
  addToRolePolicy(...statements: PolicyStatement[]): void {
    for (const statement of statements) this.role.addToPrincipalPolicy(statement);
  }

  /** Sets an environment variable; paired with the grant it needs by the caller's `bind…` method. */
  addEnvironment(name: string, value: string): void {
    this.function.addEnvironment(name, value);
  }

  /** Acknowledges a cdk-nag finding on this function's resources (role policy included) with its reason. */
  acknowledge(id: string, reason: string): void {
    Validations.of(this).acknowledge({ id, reason });
  }
}
