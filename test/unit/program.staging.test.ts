import { cloudConfig } from './support/pulumi-harness';
import { describeStackProgram } from './support/stack-program-spec';

describeStackProgram({
  stack: 'staging',
  config: cloudConfig(),
  physicalName: (app) => `createsomething-${app}-staging`,
  protect: false,
  productionUrl: (app) => `https://createsomething-${app}-staging.pages.dev/`,
  workerScripts: ['search-recorder-staging', 'motion-extractor-staging'],
});
