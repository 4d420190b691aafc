import { cloudConfig } from './support/pulumi-harness';
import { describeStackProgram } from './support/stack-program-spec';

describeStackProgram({
  stack: 'prod',
  config: cloudConfig(),
  physicalName: (app) => `createsomething-${app}`,
  protect: true,
  productionUrl: (app) => `https://createsomething-${app}.pages.dev/`,
  workerScripts: ['motion-extractor'],
});
