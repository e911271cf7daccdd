#!/usr/bin/env bash
# Deploys linkdns on Google Cloud from the release artifact: the three Cloud Functions (2nd gen) with their triggers,
# the repair schedule, and the IAM grants they need (infra/gcp/README.md explains each one).
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
#   DRY_RUN=1      print the gcloud commands instead of running them
set -euo pipefail

ARTIFACT=${1:?usage: scripts/deploy-gcp.sh dist/release/linkdns-gcp-functions-<version>.zip}
: "${PROJECT:?set PROJECT}" "${REGION:?set REGION}" "${ENV_FILE:?set ENV_FILE (env.yaml)}"
DNS_PROJECT=${DNS_PROJECT:-$PROJECT}
SCHEDULE=${SCHEDULE:-'*/15 * * * *'}
SA=linkdns@$PROJECT.iam.gserviceaccount.com
TRIGGER_SA=linkdns-trigger@$PROJECT.iam.gserviceaccount.com
TOPIC=linkdns-repair

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
trap 'rm -rf "$SOURCE"' EXIT
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
  --env-vars-file="$ENV_FILE" --timeout=300s --memory=256Mi --no-allow-unauthenticated --project="$PROJECT" --quiet)
[[ -n ${SECRETS:-} ]] && COMMON+=(--set-secrets="$SECRETS")

run gcloud functions deploy linkdns-forwarding-rule-events "${COMMON[@]}" --entry-point=forwardingRuleEvents --retry \
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
  --trigger-location=global --trigger-service-account="$TRIGGER_SA" \
  --trigger-event-filters=type=google.cloud.audit.log.v1.written \
  --trigger-event-filters=serviceName=dns.googleapis.com \
  --trigger-event-filters=methodName=dns.changes.create

# The drift repair: Cloud Scheduler → Pub/Sub → function.
exists gcloud pubsub topics describe "$TOPIC" --project="$PROJECT" ||
  run gcloud pubsub topics create "$TOPIC" --project="$PROJECT"
run gcloud functions deploy linkdns-scheduled-repair "${COMMON[@]}" --entry-point=scheduledRepair --trigger-topic="$TOPIC"
if exists gcloud scheduler jobs describe "$TOPIC" --location="$REGION" --project="$PROJECT"; then
  run gcloud scheduler jobs update pubsub "$TOPIC" --location="$REGION" --project="$PROJECT" --schedule="$SCHEDULE" \
    --topic="$TOPIC" --message-body='{}'
else
  run gcloud scheduler jobs create pubsub "$TOPIC" --location="$REGION" --project="$PROJECT" --schedule="$SCHEDULE" \
    --topic="$TOPIC" --message-body='{}'
fi
echo "linkdns deployed to $PROJECT ($REGION) from $ARTIFACT"
