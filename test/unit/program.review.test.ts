import { cloudConfig } from './support/pulumi-harness';
import { describeStackProgram } from './support/stack-program-spec';

// A review stack, from stacks/review.ts with the number taken from the stack name: its own names, nothing
// protected, no Workers.
describeStackProgram({
  stack: 'pr-7',
  config: cloudConfig(),
  physicalName: (app) => `createsomething-${app}-pr-7`,
  protect: false,
  productionUrl: (app) => `https://createsomething-${app}-pr-7.pages.dev/`,
  workerScripts: [],
});
