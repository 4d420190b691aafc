import { describeVisitorIds } from '@create-something/app-kit/test/visitor';
import { startApp } from './harness.ts';

// Visitor ids keyed by the VISITOR_KEY secret, through the newsletter form.
describeVisitorIds(startApp, {
  path: '/',
  form: { email: 'visitor-id@example.com' },
  rule: 'signup',
});
