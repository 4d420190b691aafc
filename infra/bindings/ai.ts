import { accountFeature } from './account-feature';

/** Workers AI (`ai: { binding }`). */
export const ai = accountFeature('ai', 'ai', { programKey: 'aiBindings', apiKey: 'ai_bindings' });
