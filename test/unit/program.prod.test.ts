import { protectedCloudConfig, TOKEN } from './support/pulumi-harness';
import { describeStackProgram } from './support/stack-program-spec';

describeStackProgram({
  stack: 'prod',
  config: protectedCloudConfig(),
  tokenFromEnvironment: TOKEN,
  physicalName: (app) => `createsomething-${app}`,
  protect: true,
  productionUrl: (app) => `https://createsomething-${app}.pages.dev/`,
  workerScripts: ['search-recorder', 'motion-extractor'],
});
