import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { jwt } from 'hono/jwt';
import { z } from 'zod';
import type { Actor } from '../requests/events';

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

export function sidebarAuth(secret: string): MiddlewareHandler<{ Variables: AuthVariables }> {
  const verify = jwt({ secret, alg: 'HS256' });
  return async (c, next) => {
    await verify(c, async () => {
      const claims = claimsSchema.safeParse(c.get('jwtPayload'));
      if (!claims.success) throw new HTTPException(401, { message: 'token claims must include sub and exp' });
      c.set('actor', { id: `agent:${claims.data.sub}`, name: claims.data.name ?? claims.data.email ?? `agent ${claims.data.sub}` });
      await next();
    });
  };
}
