#!/usr/bin/env bash
# Deploys linkdns on Google Cloud from the release artifact: the four Cloud Functions (2nd gen) with their triggers,
# the repair schedule and its fan-out (sweep topic, worker, dead-letter topic), and the IAM grants they need
# (infra/gcp/README.md explains each one).
#
#   npm run package                                  # → dist/release/linkdns-gcp-functions-<version>.zip
#   PROJECT=acme-prod REGION=us-central1 ENV_FILE=env.yaml scripts/deploy-gcp.sh dist/release/linkdns-gcp-functions-0.1.0.zip
#
# Idempotent: run it again after a change and it converges. Functions and Eventarc triggers are updated in place,
# topics, service accounts, the custom role and the scheduler job are created only when missing, and IAM is granted
# by ADDING a member to a role (`add-iam-policy-binding`; for managed zones, which have no such command, an etag-guarded
# read-add-write), never by replacing a policy, so other grants stay as they are.
#
# Settings (environment):
#   PROJECT        project of the PSC endpoints (forwarding rules) and of the functions     (required)
#   REGION         region of the endpoints and of the functions                              (required)
#   ENV_FILE       env.yaml with LINKDNS_CONFIG and the other settings (infra/gcp/README.md) (required)
#   DNS_PROJECT    project of the Cloud DNS zones                                            (default: PROJECT)
#   ZONES          managed zones linkdns writes to, space-separated; each gets the writer role on the zone
#   SECRETS        --set-secrets value, e.g. SLACK_WEBHOOK_URL=linkdns-slack-webhook:latest (optional)
#   SCHEDULE       cron of the drift repair                                                  (default: */15 * * * *)
#   REPAIR_WORKERS instances of the repair worker at most                                    (default: 2)
#   EVENT_INSTANCES instances of each event function and of the coordinator at most          (default: 1)
#   DNS_QUOTA_PER_MINUTE  the project's Cloud DNS API requests per minute (Quotas page)      (default: 600)
#   DNS_SHARE_PERCENT     share of that quota all linkdns functions together may use         (default: 50)
#   DRY_RUN=1      print the gcloud commands instead of running them
#
# One Cloud DNS budget for the whole deployment, by construction: every function has --max-instances and every instance
# its own request limiter (LINKDNS_GCP_REQUESTS_PER_MINUTE, written into the env file the functions get), so all of
# them together never send more than  Σ max-instances × per-instance rate ≤ DNS_SHARE_PERCENT % of DNS_QUOTA_PER_MINUTE.
set -euo pipefail

ARTIFACT=${1:?usage: scripts/deploy-gcp.sh dist/release/linkdns-gcp-functions-<version>.zip}
: "${PROJECT:?set PROJECT}" "${REGION:?set REGION}" "${ENV_FILE:?set ENV_FILE (env.yaml)}"
DNS_PROJECT=${DNS_PROJECT:-$PROJECT}
SCHEDULE=${SCHEDULE:-'*/15 * * * *'}
SA=linkdns@$PROJECT.iam.gserviceaccount.com
TRIGGER_SA=linkdns-trigger@$PROJECT.iam.gserviceaccount.com
TOPIC=linkdns-repair
SWEEP_TOPIC=linkdns-sweep
DEAD_LETTER_TOPIC=linkdns-sweep-dead-letter
REPAIR_WORKERS=${REPAIR_WORKERS:-2}
EVENT_INSTANCES=${EVENT_INSTANCES:-1}
DNS_QUOTA_PER_MINUTE=${DNS_QUOTA_PER_MINUTE:-600}
DNS_SHARE_PERCENT=${DNS_SHARE_PERCENT:-50}
for number in REPAIR_WORKERS EVENT_INSTANCES DNS_QUOTA_PER_MINUTE DNS_SHARE_PERCENT; do
  [[ ${!number} =~ ^[1-9][0-9]*$ ]] || { echo "deploy-gcp: $number must be a positive integer, not '${!number}'" >&2; exit 1; }
done
(( DNS_SHARE_PERCENT <= 100 )) || { echo "deploy-gcp: DNS_SHARE_PERCENT must be at most 100" >&2; exit 1; }
# Three functions with EVENT_INSTANCES each (forwarding-rule events, record events, the repair coordinator) + workers.
INSTANCES=$((3 * EVENT_INSTANCES + REPAIR_WORKERS))
REQUESTS_PER_MINUTE=$((DNS_QUOTA_PER_MINUTE * DNS_SHARE_PERCENT / (100 * INSTANCES)))
if (( REQUESTS_PER_MINUTE < 1 )); then
  echo "deploy-gcp: $DNS_SHARE_PERCENT% of $DNS_QUOTA_PER_MINUTE Cloud DNS requests/min over $INSTANCES instances is less" \
    "than 1 request/min each; lower REPAIR_WORKERS or EVENT_INSTANCES, or raise the share" >&2
  exit 1
fi

run() {
  if [[ ${DRY_RUN:-0} == 1 ]]; then printf '%q ' "$@"; echo; else "$@"; fi
}
# True when a describe command finds the resource (creation is skipped then).
exists() {
  [[ ${DRY_RUN:-0} == 1 ]] && return 1
  "$@" >/dev/null 2>&1
}

# gcloud deploys a function from a source directory: unpack the artifact (index.mjs + package.json) into one.
SOURCE=$(mktemp -d)
DEPLOY_ENV=$(mktemp)
COORDINATOR_ENV=$(mktemp)
trap 'rm -rf "$SOURCE" "$DEPLOY_ENV" "$COORDINATOR_ENV"' EXIT
[[ -f $ARTIFACT ]] || { echo "deploy-gcp: $ARTIFACT not found (npm run package)" >&2; exit 1; }
if command -v unzip >/dev/null; then
  run unzip -q "$ARTIFACT" -d "$SOURCE"
else
  # No unzip: Node (which npm run deploy-gcp has) reads the central directory and inflates each entry.
  run node -e '
    const fs = require("node:fs"), path = require("node:path"), zlib = require("node:zlib");
    const [zip, out] = process.argv.slice(1);
    const b = fs.readFileSync(zip);
    const end = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    let p = b.readUInt32LE(end + 16);
    for (let i = 0; i < b.readUInt16LE(end + 10); i++) {
      const method = b.readUInt16LE(p + 10), size = b.readUInt32LE(p + 20), offset = b.readUInt32LE(p + 42);
      const nameLength = b.readUInt16LE(p + 28);
      const name = b.toString("utf8", p + 46, p + 46 + nameLength);
      p += 46 + nameLength + b.readUInt16LE(p + 30) + b.readUInt16LE(p + 32);
      const start = offset + 30 + b.readUInt16LE(offset + 26) + b.readUInt16LE(offset + 28);
      const data = b.subarray(start, start + size);
      const file = path.join(out, name);
      if (!file.startsWith(path.resolve(out) + path.sep) || name.endsWith("/")) continue;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, method === 8 ? zlib.inflateRawSync(data) : data);
    }
  ' "$ARTIFACT" "$SOURCE"
fi

# The functions' settings: ENV_FILE plus what this script decides (the budget, the sweep topic and, for the
# coordinator, the worker trigger's subscription).
for key in LINKDNS_GCP_REQUESTS_PER_MINUTE LINKDNS_SWEEP_TOPIC LINKDNS_SWEEP_SUBSCRIPTION; do
  if grep -q "^$key:" "$ENV_FILE"; then
    echo "deploy-gcp: $ENV_FILE sets $key, which deploy-gcp.sh computes; remove it" >&2
    exit 1
  fi
done
cp "$ENV_FILE" "$DEPLOY_ENV"
printf '\nLINKDNS_GCP_REQUESTS_PER_MINUTE: "%s"\nLINKDNS_SWEEP_TOPIC: "%s"\n' "$REQUESTS_PER_MINUTE" "$SWEEP_TOPIC" >>"$DEPLOY_ENV"

# 1. Identities.
for account in linkdns linkdns-trigger; do
  exists gcloud iam service-accounts describe "$account@$PROJECT.iam.gserviceaccount.com" --project="$PROJECT" ||
    run gcloud iam service-accounts create "$account" --project="$PROJECT" --display-name="$account"
done

# 2. Least privilege, by adding members (never set-iam-policy).
run gcloud projects add-iam-policy-binding "$PROJECT" --member="serviceAccount:$SA" \
  --role=roles/compute.networkViewer --condition=None --quiet --format=none
run gcloud projects add-iam-policy-binding "$DNS_PROJECT" --member="serviceAccount:$SA" \
  --role=roles/dns.reader --condition=None --quiet --format=none
run gcloud projects add-iam-policy-binding "$PROJECT" --member="serviceAccount:$TRIGGER_SA" \
  --role=roles/eventarc.eventReceiver --condition=None --quiet --format=none
WRITER_PERMISSIONS=dns.changes.create,dns.changes.get,dns.managedZones.get,dns.resourceRecordSets.create,dns.resourceRecordSets.delete,dns.resourceRecordSets.update,dns.resourceRecordSets.list
if exists gcloud iam roles describe linkdnsRecordWriter --project="$DNS_PROJECT"; then
  run gcloud iam roles update linkdnsRecordWriter --project="$DNS_PROJECT" --permissions="$WRITER_PERMISSIONS" --quiet --format=none
else
  run gcloud iam roles create linkdnsRecordWriter --project="$DNS_PROJECT" --title="linkdns record writer" \
    --permissions="$WRITER_PERMISSIONS"
fi
# The coordinator reads the worker subscription's backlog from Cloud Monitoring (projects.timeSeries.list needs
# monitoring.timeSeries.list on the subscription's project): a custom role with that permission alone, narrower than
# roles/monitoring.viewer, which also reads dashboards, alert policies and uptime checks.
BACKLOG_PERMISSIONS=monitoring.timeSeries.list
if exists gcloud iam roles describe linkdnsBacklogReader --project="$PROJECT"; then
  run gcloud iam roles update linkdnsBacklogReader --project="$PROJECT" --permissions="$BACKLOG_PERMISSIONS" --quiet --format=none
else
  run gcloud iam roles create linkdnsBacklogReader --project="$PROJECT" --title="linkdns backlog reader" \
    --permissions="$BACKLOG_PERMISSIONS"
fi
run gcloud projects add-iam-policy-binding "$PROJECT" --member="serviceAccount:$SA" \
  --role="projects/$PROJECT/roles/linkdnsBacklogReader" --condition=None --quiet --format=none
# Per-zone grants. gcloud has get-/set-iam-policy for managed zones but no add-iam-policy-binding
# (https://cloud.google.com/sdk/gcloud/reference/dns/managed-zones/set-iam-policy), so the member is added to the policy
# read, keeping every other binding, and written back with the policy's etag: a concurrent change makes the write
# fail instead of being overwritten. Nothing is written when the member already has the role.
WRITER_ROLE=projects/$DNS_PROJECT/roles/linkdnsRecordWriter
for zone in ${ZONES:-}; do
  if [[ ${DRY_RUN:-0} == 1 ]]; then
    echo "gcloud dns managed-zones get-iam-policy $zone --project=$DNS_PROJECT  # + serviceAccount:$SA in $WRITER_ROLE, set-iam-policy with its etag"
    continue
  fi
  policy=$(mktemp)
  gcloud dns managed-zones get-iam-policy "$zone" --project="$DNS_PROJECT" --format=json >"$policy"
  if node -e '
    const fs = require("node:fs");
    const [file, role, member] = process.argv.slice(1);
    const policy = JSON.parse(fs.readFileSync(file, "utf8") || "{}");
    policy.bindings ??= [];
    let binding = policy.bindings.find((b) => b.role === role && !b.condition);
    if (binding?.members?.includes(member)) process.exit(1);
    if (!binding) policy.bindings.push((binding = { role, members: [] }));
    binding.members = [...(binding.members ?? []), member];
    fs.writeFileSync(file, JSON.stringify(policy));
  ' "$policy" "$WRITER_ROLE" "serviceAccount:$SA"; then
    gcloud dns managed-zones set-iam-policy "$zone" --project="$DNS_PROJECT" --policy-file="$policy" --format=none
  fi
  rm -f "$policy"
done

# 3. The functions. `gcloud functions deploy` creates or updates.
COMMON=(--gen2 --runtime=nodejs22 --region="$REGION" --source="$SOURCE" --service-account="$SA"
  --env-vars-file="$DEPLOY_ENV" --timeout=300s --memory=256Mi --concurrency=1 --no-allow-unauthenticated
  --project="$PROJECT" --quiet)
[[ -n ${SECRETS:-} ]] && COMMON+=(--set-secrets="$SECRETS")

run gcloud functions deploy linkdns-forwarding-rule-events "${COMMON[@]}" --entry-point=forwardingRuleEvents --retry \
  --max-instances="$EVENT_INSTANCES" \
  --trigger-location="$REGION" --trigger-service-account="$TRIGGER_SA" \
  --trigger-event-filters=type=google.cloud.audit.log.v1.written \
  --trigger-event-filters=serviceName=compute.googleapis.com \
  --trigger-event-filters=methodName=v1.compute.forwardingRules.insert
# A function has one trigger of its own; deletions reach the same service through a second Eventarc trigger.
DELETE_TRIGGER=(--location="$REGION" --project="$PROJECT" --service-account="$TRIGGER_SA"
  --destination-run-service=linkdns-forwarding-rule-events --destination-run-region="$REGION"
  --event-filters=type=google.cloud.audit.log.v1.written --event-filters=serviceName=compute.googleapis.com
  --event-filters=methodName=v1.compute.forwardingRules.delete)
if exists gcloud eventarc triggers describe linkdns-forwarding-rule-delete --location="$REGION" --project="$PROJECT"; then
  run gcloud eventarc triggers update linkdns-forwarding-rule-delete "${DELETE_TRIGGER[@]}"
else
  run gcloud eventarc triggers create linkdns-forwarding-rule-delete "${DELETE_TRIGGER[@]}"
fi
run gcloud run services add-iam-policy-binding linkdns-forwarding-rule-events --region="$REGION" --project="$PROJECT" \
  --member="serviceAccount:$TRIGGER_SA" --role=roles/run.invoker --quiet --format=none

# Zone edits by people: Cloud DNS is global, so is its trigger.
run gcloud functions deploy linkdns-cloud-dns-record-events "${COMMON[@]}" --entry-point=cloudDnsRecordEvents --retry \
  --max-instances="$EVENT_INSTANCES" \
  --trigger-location=global --trigger-service-account="$TRIGGER_SA" \
  --trigger-event-filters=type=google.cloud.audit.log.v1.written \
  --trigger-event-filters=serviceName=dns.googleapis.com \
  --trigger-event-filters=methodName=dns.changes.create

# The drift repair, fanned out: Cloud Scheduler → Pub/Sub → the coordinator, which publishes batches to the sweep
# topic → the workers (Eventarc Pub/Sub trigger, --retry); a batch still failing after 5 deliveries goes to the
# dead-letter topic, where a subscription keeps it for 7 days. The functions' one service account publishes to the
# sweep topic: the coordinator its batches, a worker those of a zone listing it carries on past the coordinator's share.
for topic in "$TOPIC" "$SWEEP_TOPIC" "$DEAD_LETTER_TOPIC"; do
  exists gcloud pubsub topics describe "$topic" --project="$PROJECT" ||
    run gcloud pubsub topics create "$topic" --project="$PROJECT"
done
exists gcloud pubsub subscriptions describe "$DEAD_LETTER_TOPIC" --project="$PROJECT" ||
  run gcloud pubsub subscriptions create "$DEAD_LETTER_TOPIC" --topic="$DEAD_LETTER_TOPIC" --project="$PROJECT" \
    --message-retention-duration=7d
run gcloud pubsub topics add-iam-policy-binding "$SWEEP_TOPIC" --project="$PROJECT" --member="serviceAccount:$SA" \
  --role=roles/pubsub.publisher --quiet --format=none
run gcloud functions deploy linkdns-repair-worker "${COMMON[@]}" --entry-point=repairWorker --trigger-topic="$SWEEP_TOPIC" \
  --retry --max-instances="$REPAIR_WORKERS"
# Dead-lettering is a setting of the subscription Eventarc made for the worker's trigger; Pub/Sub's service agent
# must be able to publish to the dead-letter topic and to acknowledge on that subscription (Pub/Sub, "Handle message
# failures": grant roles/pubsub.publisher on the dead-letter topic and roles/pubsub.subscriber on the subscription).
if [[ ${DRY_RUN:-0} == 1 ]]; then
  WORKER_SUBSCRIPTION='$WORKER_SUBSCRIPTION'
  PROJECT_NUMBER='$PROJECT_NUMBER'
else
  WORKER_TRIGGER=$(gcloud functions describe linkdns-repair-worker --gen2 --region="$REGION" --project="$PROJECT" \
    --format='value(eventTrigger.trigger)')
  WORKER_SUBSCRIPTION=$(gcloud eventarc triggers describe "$WORKER_TRIGGER" --format='value(transport.pubsub.subscription)')
  PROJECT_NUMBER=$(gcloud projects describe "$PROJECT" --format='value(projectNumber)')
  [[ -n $WORKER_SUBSCRIPTION && -n $PROJECT_NUMBER ]] ||
    { echo "deploy-gcp: could not find the repair worker's Pub/Sub subscription" >&2; exit 1; }
fi
PUBSUB_AGENT=service-$PROJECT_NUMBER@gcp-sa-pubsub.iam.gserviceaccount.com
run gcloud pubsub subscriptions update "$WORKER_SUBSCRIPTION" \
  --dead-letter-topic="projects/$PROJECT/topics/$DEAD_LETTER_TOPIC" --max-delivery-attempts=5 \
  --min-retry-delay=10s --max-retry-delay=600s --quiet --format=none
run gcloud pubsub topics add-iam-policy-binding "$DEAD_LETTER_TOPIC" --project="$PROJECT" \
  --member="serviceAccount:$PUBSUB_AGENT" --role=roles/pubsub.publisher --quiet --format=none
run gcloud pubsub subscriptions add-iam-policy-binding "$WORKER_SUBSCRIPTION" \
  --member="serviceAccount:$PUBSUB_AGENT" --role=roles/pubsub.subscriber --quiet --format=none
# The coordinator comes after the worker: it is deployed knowing the worker trigger's subscription, whose backlog it
# reads before each sweep (no new sweep while the previous one's batches are queued or in flight).
cp "$DEPLOY_ENV" "$COORDINATOR_ENV"
printf 'LINKDNS_SWEEP_SUBSCRIPTION: "%s"\n' "$WORKER_SUBSCRIPTION" >>"$COORDINATOR_ENV"
# COMMON with --env-vars-file pointing at the coordinator's file instead of the shared one.
COORDINATOR=("${COMMON[@]/#--env-vars-file=*/--env-vars-file=$COORDINATOR_ENV}")
run gcloud functions deploy linkdns-scheduled-repair "${COORDINATOR[@]}" --entry-point=scheduledRepair \
  --trigger-topic="$TOPIC" --max-instances="$EVENT_INSTANCES"
if exists gcloud scheduler jobs describe "$TOPIC" --location="$REGION" --project="$PROJECT"; then
  run gcloud scheduler jobs update pubsub "$TOPIC" --location="$REGION" --project="$PROJECT" --schedule="$SCHEDULE" \
    --topic="$TOPIC" --message-body='{}'
else
  run gcloud scheduler jobs create pubsub "$TOPIC" --location="$REGION" --project="$PROJECT" --schedule="$SCHEDULE" \
    --topic="$TOPIC" --message-body='{}'
fi
echo "linkdns deployed to $PROJECT ($REGION) from $ARTIFACT; Cloud DNS budget: $INSTANCES instances x" \
  "$REQUESTS_PER_MINUTE requests/min = $((INSTANCES * REQUESTS_PER_MINUTE)) of $DNS_QUOTA_PER_MINUTE/min"
