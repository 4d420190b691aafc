import { describeVisitorIds } from '@create-something/app-kit/test/visitor';
import { startApp } from './harness.ts';

// Visitor ids keyed by the VISITOR_KEY secret, through the inquiry form.
describeVisitorIds(startApp, {
  path: '/',
  form: {
    name: 'Lin',
    email: 'lin@example.com',
    company: 'Northwind',
    service: 'edge-platforms',
    message: 'We want previews for every pull request.',
  },
  rule: 'inquiry',
});
