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

export type AuthVariables = { jwtPayload: unknown; actor: Actor };

/** The token proves the call came through the installed app; `agents` says who `sub` is. */
export function sidebarAuth(secret: string, agents: AgentDirectory): MiddlewareHandler<{ Variables: AuthVariables }> {
  const verify = jwt({ secret, alg: 'HS256' });
  return async (c, next) => {
    await verify(c, async () => {
      const claims = claimsSchema.safeParse(c.get('jwtPayload'));
      if (!claims.success) throw new HTTPException(401, { message: 'token claims must include sub and exp' });
      c.set('actor', await agents.agent(claims.data.sub));
      await next();
    });
  };
}
