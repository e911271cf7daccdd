/**
 * Every command's usage text, apart from the commands themselves: `linkdns --help` prints them all without loading a
 * single command module (and so no cloud SDK). A new command adds its usage here and a loader in `main.ts`.
 */
export const CLOUD_USAGE = `--config F [--cloud aws|azure|gcp] [--region R | --subscription ID --resource-group RG | --project P [--region R]] [--json]`;

/** Confluent Cloud discovery, for `plan`, `apply` and `repair` (and `discover`). */
export const CONFLUENT_USAGE = `[--environment ENV[,ENV…]] [--confluent-endpoint URL]`;

export const PLAN_USAGE = `linkdns plan ${CLOUD_USAGE} ${CONFLUENT_USAGE}
    # read-only diff of every managed zone; exit 0 no changes, 2 changes pending, 1 error`;

export const APPLY_USAGE = `linkdns apply ${CLOUD_USAGE} ${CONFLUENT_USAGE} [--yes]
    # the plan, then apply it (asks on a terminal unless --yes)`;

export const REPAIR_USAGE = `linkdns repair ${CLOUD_USAGE} ${CONFLUENT_USAGE} [--detect-only]
    # the scheduled drift repair, on demand, with a progress line per zone`;

export const VERIFY_USAGE = `linkdns verify (--records F | --config F [--cloud aws|azure] [--region R ...])
  [--resolver IP[:port]] [--name NAME]... [--timeout MS] [--tries N] [--json]
    # F: \`linkdns records --json\` output, or the configuration (records computed from the live endpoints)`;

export const EXPORT_USAGE = `linkdns export --domain <dns_domain> (--records F | --config F [--cloud aws|azure] [--zone-id ID] ...)
  [--nameserver NAME] [--nameserver-address IP] [--serial N] [--ttl SECONDS]
    # F: \`linkdns records --json\` output, or the configuration (the managed zone as it is now)`;

export const INVOKE_USAGE = `linkdns invoke <event.json> [--local] [--dry-run] [--json]
    [--config F] [--region R] [--subscription ID --resource-group RG] [--project P]
    # runs the cloud function that takes the event (like \`sam local invoke\`), against the configured cloud
    # or, with --local, against local clouds seeded with the demo scenario; exit 0 ok, 1 failed or rejected`;

export const RECORDS_USAGE = `linkdns records --domain <dns_domain> [--layout zonal|regional] [--scope ID] [--service GLOB] [--json]
  ( --aws-endpoints F (--aws-subnets F | --aws-azs F)  # describe-vpc-endpoints or create-vpc-endpoint output;
                                                      # describe-subnets or describe-availability-zones output
  | --azure-endpoints F [--azure-nics F]    # az network private-endpoint list / show, or ARM list / GET (+ az network nic list)
  | --gcp-forwarding-rules F )              # gcloud compute forwarding-rules list / describe --format=json output
  Unrelated resources (Gateway endpoints, load balancers, Google-APIs PSC) are skipped. Endpoints to different
  services are refused unless --service (AWS service name, Azure alias or id, GCP attachment) picks one.`;

export const DISCOVER_USAGE = `linkdns discover --environment ENV[,ENV…] [--config F] [--confluent-endpoint URL] [--json]
    # the mappings Confluent Cloud's networks and PrivateLink attachments give (credentials: CONFLUENT_CLOUD_API_KEY,
    # CONFLUENT_CLOUD_API_SECRET); exit 0, 1 on bad credentials, an unknown environment or an outage`;
