import { localConfig } from './support/pulumi-harness';
import { describeStackProgram } from './support/stack-program-spec';

describeStackProgram({
  stack: 'local',
  config: localConfig(),
  physicalName: (app) => `createsomething-${app}`,
  protect: false,
  productionUrl: (app) => `http://createsomething-${app}.pages.localhost:8787/`,
  workerScripts: ['search-recorder', 'motion-extractor'],
  apiBaseUrl: 'http://127.0.0.1:8787/client/v4',
});
