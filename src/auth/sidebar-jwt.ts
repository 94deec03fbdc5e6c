import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { jwt } from 'hono/jwt';
import { z } from 'zod';
import type { Actor } from '../requests/events';
import type { AgentDirectory } from './agent-directory';

/**
 * Claims of the HS256 token Zendesk's proxy mints for `client.request({ jwt, secure: true })`
 * (the secret is a secure app setting, so it never reaches the browser). `exp` is required:
 * a token without one would never expire.
 */
const claimsSchema = z.object({
  sub: z.union([z.string().min(1), z.number()]).transform(String),
  name: z.string().max(300).optional(),
  email: z.string().max(300).optional(),
  iat: z.number().optional(),
  exp: z.number(),
});
export type SidebarClaims = z.infer<typeof claimsSchema>;

/** The longest life a token may claim: the sidebar's own tokens live an hour; a year-9999 `exp` is a stolen-forever token. */
export const MAX_TOKEN_LIFETIME_S = 24 * 3600;
/** Zendesk's clock and ours differ a little; the 24 h cap allows that much. */
const CLOCK_SKEW_S = 60;

/** Why the token's times are not acceptable, or undefined. `iat` in the future is refused by hono's verify. */
function timeProblem(claims: SidebarClaims, nowS: number): string | undefined {
  if (claims.exp > nowS + MAX_TOKEN_LIFETIME_S + CLOCK_SKEW_S) return 'token exp must be at most 24 hours ahead';
  if (claims.iat !== undefined && claims.exp - claims.iat > MAX_TOKEN_LIFETIME_S) return 'token lifetime (exp - iat) must be at most 24 hours';
  return undefined;
}

export type AuthVariables = { jwtPayload: unknown; actor: Actor };

/** The token proves the call came through the installed app; `agents` says who `sub` is. */
export function sidebarAuth(secret: string, agents: AgentDirectory): MiddlewareHandler<{ Variables: AuthVariables }> {
  const verify = jwt({ secret, alg: 'HS256' });
  return async (c, next) => {
    await verify(c, async () => {
      const claims = claimsSchema.safeParse(c.get('jwtPayload'));
      if (!claims.success) throw new HTTPException(401, { message: 'token claims must include sub and exp' });
      // Date.now, as hono's verify uses for exp, nbf and iat: a token's times are Zendesk's real ones.
      const problem = timeProblem(claims.data, Math.floor(Date.now() / 1000));
      if (problem) throw new HTTPException(401, { message: problem });
      c.set('actor', await agents.agent(claims.data.sub));
      await next();
    });
  };
}
