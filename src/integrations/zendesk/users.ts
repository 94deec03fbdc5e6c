import { z } from 'zod';
import { one, type ZendeskHttp } from './client';
import { isNotFound } from './errors';
import { wrapped } from './schemas';

/** https://developer.zendesk.com/api-reference/ticketing/users/users/ : the fields the service reads. */
const zendeskUserSchema = z.object({
  id: z.number(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  role: z.string(),
  active: z.boolean().optional(),
  suspended: z.boolean().optional(),
});

export interface ZendeskUser {
  id: number;
  name?: string;
  email?: string;
  /** `end-user`, `agent` or `admin`. */
  role: string;
  /** False for a deleted user, true for a suspended one (Zendesk sends both). */
  active: boolean;
  suspended: boolean;
}

export function createUserOperations({ client }: ZendeskHttp) {
  return {
    /** `GET /api/v2/users/{id}`; undefined when there is no such user (404). */
    async getUser(id: number): Promise<ZendeskUser | undefined> {
      try {
        const user = await one(`GET user ${id}`, wrapped('user', zendeskUserSchema), client.users.show(id));
        return { id: user.id, name: user.name ?? undefined, email: user.email ?? undefined, role: user.role, active: user.active ?? true, suspended: user.suspended ?? false };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
  };
}

export type UserOperations = ReturnType<typeof createUserOperations>;
