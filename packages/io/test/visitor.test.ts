import { describeVisitorIds } from '@create-something/app-kit/test/visitor';
import { startApp } from './harness.ts';

// Visitor ids keyed by the VISITOR_KEY secret, through the feedback form.
describeVisitorIds(startApp, {
  path: '/articles/edge-first-sveltekit',
  form: { helpful: 'yes', comment: '' },
  rule: 'feedback',
});
