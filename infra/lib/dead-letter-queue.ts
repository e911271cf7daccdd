import { Duration, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DeadLetterQueueProps {
  /** What ends up in the queue, for the alarm description. */
  readonly holds: string;
  /**
   * Topic the depth alarm notifies.
   * @default - the alarm has no action (visible in the CloudWatch console only)
   */
  readonly alarmTopic?: ITopic;
}

/**
 * An SQS queue for events or invocations linkdns gave up on, with an alarm as soon as one arrives. SSE with the
 * SQS-managed key (EventBridge and Lambda can write to it without a key policy), TLS-only access, 14 days retention
 * so an operator has time to inspect and replay.
 */
export class DeadLetterQueue extends Construct {
  readonly queue: Queue;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: `This queue is itself a dead-letter queue (${props.holds}); a queue behind it would never be read.`,
    });

    this.alarm = new Alarm(this, 'DepthAlarm', {
      alarmDescription: `linkdns: ${props.holds} are waiting in ${this.node.path}. Inspect them, fix the cause, replay or purge.`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopic) this.alarm.addAlarmAction(new SnsAction(props.alarmTopic));
  }
}
