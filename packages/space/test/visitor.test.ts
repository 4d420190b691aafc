import { describeVisitorIds } from '@create-something/app-kit/test/visitor';
import { startApp } from './harness.ts';

// Visitor ids keyed by the VISITOR_KEY secret, through an experiment page (its view is counted).
describeVisitorIds(startApp, {
  path: '/experiments/view-transitions',
  rule: 'view',
});
