import { jwtVerify, SignJWT } from 'jose';

export interface UploadClaims {
  account_id: string;
  project_name: string;
  max_file_count_allowed: number;
}

/** wrangler reads max_file_count_allowed and exp from the token itself, so it must be a real JWT. */
export const MAX_FILE_COUNT = 20_000;

export async function signUploadJwt(
  s: { jwtSecret: Uint8Array; accountId: string },
  projectName: string,
): Promise<string> {
  return new SignJWT({ account_id: s.accountId, project_name: projectName, max_file_count_allowed: MAX_FILE_COUNT })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('30m')
    .sign(s.jwtSecret);
}

export async function verifyUploadJwt(s: { jwtSecret: Uint8Array }, jwt: string): Promise<UploadClaims | undefined> {
  if (!jwt) return undefined;
  try {
    const { payload } = await jwtVerify(jwt, s.jwtSecret, { algorithms: ['HS256'] });
    return payload as unknown as UploadClaims;
  } catch {
    return undefined;
  }
}
