import { accountFeature } from './account-feature';

/** Browser Rendering (`browser: { binding }`). */
export const browser = accountFeature('browser', 'browser', { programKey: 'browsers', apiKey: 'browsers' });
