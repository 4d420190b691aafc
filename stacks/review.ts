import type { StackDefinitionInput } from './definition';

/**
 * The template of every review stack `pr-<number>`: one live copy per pull request, in a Cloudflare account of
 * its own, the review account (a token cannot be limited to names, so review stacks share an account with neither
 * staging nor prod: an unreviewed pull request can reach nothing of theirs). Own names (`createsomething-space-pr-7`)
 * so that several sit side by side; its own D1 and KV with every migration applied; nothing
 * protected, so closing the pull request destroys all of it; no custom domains; optional Workers off (nothing public
 * beyond the four sites, and no Browser Rendering quota spent on reviews).
 *
 * There is no file per pull request: `infra/stack-definition.ts` maps a stack named `pr-<number>` to this function.
 */
export default function review(pullRequest: number): StackDefinitionInput {
  return {
    nameSuffix: `-pr-${pullRequest}`,
    productionBranch: 'main',
    protect: false,
    customDomains: {},
    workers: [],
  };
}
