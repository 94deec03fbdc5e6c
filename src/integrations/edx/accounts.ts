import { z } from 'zod';
import { EdxPermanentError } from './errors';
import type { StudioApi } from './studio-api';

/** An LMS account as the service needs it: Studio's "New team member" asks for the email. */
export interface EdxAccount {
  /** As the LMS spells it (the lookup matches case-insensitively). */
  username: string;
  email: string;
  /** An account whose owner never confirmed their email: Studio refuses to add it by email. */
  isActive: boolean;
}

const accountsSchema = z.array(z.object({ username: z.string(), email: z.string().nullish(), is_active: z.boolean().nullish() }));

/** Usernames per request: the API has no limit, but a URL does (edX usernames are at most 30 characters). */
const CHUNK = 50;

/**
 * The LMS accounts of `usernames`, keyed by the username as asked: one `GET {LMS}/api/user/v1/accounts?username=a,b`
 * per 50 names, with the service's staff token. The LMS leaves unknown names out (404 when none
 * exists), so a name missing from the map has no account. Case-insensitive, because MySQL's
 * default collation makes Django's `username__in` so; an exact match wins when both exist.
 */
export async function lookupAccounts(lms: StudioApi, usernames: readonly string[]): Promise<Map<string, EdxAccount>> {
  const wanted = [...new Set(usernames)];
  const found: EdxAccount[] = [];
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const chunk = wanted.slice(i, i + CHUNK);
    // A comma would split one name into two; edX usernames never hold one, so such a name has no account.
    const asked = chunk.filter((name) => name !== '' && !name.includes(','));
    if (asked.length > 0) found.push(...(await lookupChunk(lms, asked)));
  }
  const accounts = new Map<string, EdxAccount>();
  for (const name of wanted) {
    const match = found.find((a) => a.username === name) ?? found.find((a) => a.username.toLowerCase() === name.toLowerCase());
    if (match) accounts.set(name, match);
  }
  return accounts;
}

async function lookupChunk(lms: StudioApi, usernames: string[]): Promise<EdxAccount[]> {
  const what = `look up the edX accounts of ${usernames.join(', ')}`;
  let answer: z.infer<typeof accountsSchema>;
  try {
    answer = await lms.call(accountsSchema, { method: 'GET', path: '/api/user/v1/accounts', params: { username: usernames.join(',') }, what });
  } catch (err) {
    // openedx user_api/accounts/views.py: 404 means none of the names has an account.
    if (err instanceof EdxPermanentError && err.status === 404) return [];
    throw err;
  }
  return answer.map((a) => {
    // Only staff see emails: without one, every later step would lack what Studio asks for.
    if (!a.email) {
      throw new EdxPermanentError(`${what}: the LMS hid their email, so the OAuth application's service user (ORC_EDX_CLIENT_ID) is not global staff; give it is_staff=True in the LMS`);
    }
    return { username: a.username, email: a.email, isActive: a.is_active ?? true };
  });
}
