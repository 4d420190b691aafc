import type { StackDefinitionInput } from './definition';

/**
 * Local rehearsal against the Cloudflare emulator (`pnpm emulator`): production's names so what runs here is what
 * prod runs, but unprotected so `pnpm local:down` can clear it. The Workers are on so they are exercised too; without
 * a Browser Rendering binding locally motion-extractor answers 503 and says why.
 */
export default {
  nameSuffix: '',
  productionBranch: 'main',
  protect: false,
  customDomains: {},
  workers: ['space/motion-extractor', 'io/search-recorder'],
} satisfies StackDefinitionInput;
