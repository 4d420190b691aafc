import { randomBytes, randomUUID } from 'node:crypto';

export const newUuid = (): string => randomUUID();
export const newHexId = (): string => randomBytes(16).toString('hex');
export const nowIso = (): string => new Date().toISOString();

/** The account every state file is created under unless --account-id says otherwise. */
export const DEFAULT_ACCOUNT_ID = 'c5e11ad0c0ffee00000000000000cafe';
