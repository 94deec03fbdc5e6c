import { z } from 'zod';
import { many, one, type ZendeskHttp } from './client';
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
// https://developer.zendesk.com/api-reference/ticketing/organizations/organization_memberships/#list-memberships
const organizationMembershipSchema = z.object({ user_id: z.number(), organization_id: z.number() });
// https://developer.zendesk.com/api-reference/ticketing/groups/group_memberships/#list-memberships
const groupMembershipSchema = z.object({ user_id: z.number(), group_id: z.number() });

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

const toUser = (user: z.output<typeof zendeskUserSchema>): ZendeskUser =>
  ({ id: user.id, name: user.name ?? undefined, email: user.email ?? undefined, role: user.role, active: user.active ?? true, suspended: user.suspended ?? false });

export function createUserOperations({ client }: ZendeskHttp) {
  return {
    /** `GET /api/v2/users/{id}`; undefined when there is no such user (404). */
    async getUser(id: number): Promise<ZendeskUser | undefined> {
      try {
        const user = await one(`GET user ${id}`, wrapped('user', zendeskUserSchema), client.users.show(id));
        return toUser(user);
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },

    /** `GET /api/v2/users/me`: who the API credentials are. */
    async me(): Promise<ZendeskUser> {
      const user = await one('GET users/me', wrapped('user', zendeskUserSchema), client.users.me());
      return toUser(user);
    },

    /** Ids of the user's organisations and groups, for the approval rules; a deleted user has none. */
    async memberships(userId: number): Promise<{ organizations: number[]; groups: number[] }> {
      try {
        const [organizations, groups] = await Promise.all([
          many(`GET user ${userId} organization memberships`, organizationMembershipSchema, client.organizationmemberships.listByUser(userId)),
          many(`GET user ${userId} group memberships`, groupMembershipSchema, client.groupmemberships.listByUser(userId)),
        ]);
        return { organizations: organizations.map((m) => m.organization_id), groups: groups.map((m) => m.group_id) };
      } catch (err) {
        if (isNotFound(err)) return { organizations: [], groups: [] };
        throw err;
      }
    },
  };
}

export type UserOperations = ReturnType<typeof createUserOperations>;
