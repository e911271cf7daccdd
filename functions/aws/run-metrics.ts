import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type RunReport, summarizeRun } from '../core/report.ts';

/**
 * Publishes a run's figures as CloudWatch metrics (EMF through Powertools): what the alarms in infra/ watch.
 * `ZonesFailed` drives the repair-failure alarm; `DriftDetected` counts zones that needed changes.
 */
export function publishRunMetrics(metrics: Metrics, report: RunReport): void {
  const summary = summarizeRun(report);
  metrics.addMetric('ZonesChecked', MetricUnit.Count, summary.zones - summary.notChecked);
  metrics.addMetric('ZonesNotChecked', MetricUnit.Count, summary.notChecked);
  metrics.addMetric('ZonesChanged', MetricUnit.Count, summary.changed);
  metrics.addMetric('DriftDetected', MetricUnit.Count, summary.changed + summary.drift);
  metrics.addMetric(report.dryRun ? 'RecordsDrifted' : 'RecordsRepaired', MetricUnit.Count, summary.recordChanges);
  metrics.addMetric('Conflicts', MetricUnit.Count, summary.conflicts);
  metrics.addMetric('ZonesFailed', MetricUnit.Count, summary.failed);
  // Endpoints of other services (S3, SSM, other partners') that no mapping selects: left alone, never a failure.
  metrics.addMetric('EndpointsSkipped', MetricUnit.Count, summary.endpointsSkipped);
}
