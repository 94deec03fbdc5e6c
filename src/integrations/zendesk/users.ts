import { z } from 'zod';
import { many, type ZendeskHttp } from './client';
import { isNotFound } from './errors';

// https://developer.zendesk.com/api-reference/ticketing/organizations/organization_memberships/#list-memberships
const organizationMembershipSchema = z.object({ user_id: z.number(), organization_id: z.number() });
// https://developer.zendesk.com/api-reference/ticketing/groups/group_memberships/#list-memberships
const groupMembershipSchema = z.object({ user_id: z.number(), group_id: z.number() });

/** A user's organisations and groups, for the approval rules. */
export function createUserOperations(http: ZendeskHttp) {
  const { client } = http;

  /** Ids of the user's organisations and groups; a deleted user has none. */
  async function memberships(userId: number): Promise<{ organizations: number[]; groups: number[] }> {
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
  }

  return { memberships };
}

export type UserOperations = ReturnType<typeof createUserOperations>;
