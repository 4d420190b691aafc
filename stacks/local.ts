import type { StackDefinitionInput } from './definition';

/**
 * Local rehearsal against the Cloudflare emulator (`pnpm emulator`): production's names so what runs here is what
 * prod runs, but unprotected so `pnpm local:down` can clear it. The Worker is on so it is exercised too; without a
 * Browser Rendering binding locally it answers 503 and says why.
 */
export default {
  nameSuffix: '',
  productionBranch: 'main',
  protect: false,
  customDomains: {},
  workers: ['space/motion-extractor'],
} satisfies StackDefinitionInput;
