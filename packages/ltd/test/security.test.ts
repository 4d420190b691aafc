import { describeSecurityHeaders } from '@create-something/app-kit/test/security';
import { OUTPUT_DIR, startApp } from './harness.ts';

describeSecurityHeaders(startApp, OUTPUT_DIR, { pages: ['/'], json: ['/api/principles'] });
