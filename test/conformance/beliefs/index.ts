import type { Target } from '../support/target.ts';
import { d1Beliefs } from './d1.ts';
import { d1WranglerBeliefs } from './d1-wrangler.ts';
import { identityBeliefs } from './identity.ts';
import { kvBeliefs } from './kv.ts';
import { pagesBeliefs } from './pages.ts';
import { pagesDeploymentBeliefs } from './pages-deployments.ts';
import { readOnlyBeliefs } from './read-only.ts';
import { workersBeliefs } from './workers.ts';

/** Every belief about Cloudflare the program relies on, each written once, for any target. */
export function registerBeliefs(target: () => Target): void {
  d1Beliefs(target);
  d1WranglerBeliefs(target);
  kvBeliefs(target);
  pagesBeliefs(target);
  pagesDeploymentBeliefs(target);
  workersBeliefs(target);
  readOnlyBeliefs(target);
  identityBeliefs(target);
}
