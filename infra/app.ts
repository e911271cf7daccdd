import { App } from 'aws-cdk-lib';
import { defineLinkdnsApp } from './lib/linkdns-app.ts';

/**
 * `npx cdk synth` / `npx cdk deploy` entry point (run from infra/). Settings come from CDK context: see
 * `lib/app-context.ts` and the README section "Deploy to AWS".
 */
const app = new App();
defineLinkdnsApp(app);
app.synth();
