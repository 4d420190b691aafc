import type { StackDefinitionInput } from './definition';

/** Staging: a full copy of production under `-staging` names, unprotected so it can be torn down and rebuilt. */
export default {
  nameSuffix: '-staging',
  productionBranch: 'main',
  protect: false,
  customDomains: {},
  workers: ['space/motion-extractor', 'io/search-recorder'],
} satisfies StackDefinitionInput;
