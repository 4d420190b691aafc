import type { StackDefinitionInput } from './definition';

/** Production: the seed names, guarded against renames and deletes, every optional Worker on. */
export default {
  nameSuffix: '',
  productionBranch: 'main',
  protect: true,
  customDomains: {},
  workers: ['space/motion-extractor', 'io/search-recorder'],
} satisfies StackDefinitionInput;
