import { z } from 'zod';
import { key, type GitObject, type Repo, type Team, type World } from './simulator-state';

/**
 * The GitHub simulator's world as JSON and back, so the sandbox's GitHub outlives a restart.
 * Blobs travel as Base64; maps as entry lists. What is read back is validated: a stored world
 * written by another version fails loudly instead of half-loading.
 */

const permission = z.enum(['pull', 'triage', 'push', 'maintain', 'admin']);
const mode = z.enum(['100644', '100755', '120000']);
const person = z.object({ name: z.string(), email: z.string(), date: z.string() });
const gitObject = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('blob'), content: z.string() }),
  z.object({ kind: z.literal('tree'), entries: z.array(z.tuple([z.string(), z.object({ mode, sha: z.string() })])) }),
  z.object({ kind: z.literal('commit'), message: z.string(), tree: z.string(), parents: z.array(z.string()), author: person, committer: person }),
]);
const hook = z.object({ id: z.number(), name: z.string(), active: z.boolean(), events: z.array(z.string()), config: z.record(z.string(), z.string()), createdAt: z.string() });
const repo = z.object({
  id: z.number(),
  owner: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  private: z.boolean(),
  isTemplate: z.boolean(),
  templateRepository: z.string().nullable(),
  defaultBranch: z.string(),
  objects: z.array(z.tuple([z.string(), gitObject])),
  refs: z.array(z.tuple([z.string(), z.string()])),
  hooks: z.array(hook),
});
const team = z.object({
  id: z.number(),
  org: z.string(),
  name: z.string(),
  slug: z.string(),
  description: z.string().nullable(),
  privacy: z.enum(['secret', 'closed']),
  permission,
  members: z.array(z.tuple([z.string(), z.enum(['member', 'maintainer'])])),
  repos: z.array(z.tuple([z.string(), permission])),
});
export const githubWorldData = z.object({
  nextId: z.number().int(),
  users: z.array(z.object({ login: z.string(), id: z.number() })),
  orgs: z.array(z.object({ login: z.string(), id: z.number(), repos: z.array(repo), teams: z.array(team), members: z.array(z.tuple([z.string(), z.enum(['admin', 'member'])])).default([]), membersCanCreateRepositories: z.boolean().default(true), membersCanCreateTeams: z.boolean().default(true) })),
});
export type GithubWorldData = z.infer<typeof githubWorldData>;
type ObjectData = z.infer<typeof gitObject>;

function objectToData(o: GitObject): ObjectData {
  if (o.kind === 'blob') return { kind: 'blob', content: o.content.toString('base64') };
  if (o.kind === 'tree') return { kind: 'tree', entries: [...o.entries] };
  return { ...o };
}

function objectFromData(o: ObjectData): GitObject {
  if (o.kind === 'blob') return { kind: 'blob', content: Buffer.from(o.content, 'base64') };
  if (o.kind === 'tree') return { kind: 'tree', entries: new Map(o.entries) };
  return o;
}

export function worldToData(world: World): GithubWorldData {
  return {
    nextId: world.nextId,
    users: [...world.users.values()].map((u) => ({ ...u })),
    orgs: [...world.orgs.values()].map((o) => ({
      login: o.login,
      id: o.id,
      repos: [...o.repos.values()].map((r) => ({ ...r, objects: [...r.objects].map(([sha, obj]) => [sha, objectToData(obj)] as [string, ObjectData]), refs: [...r.refs] })),
      teams: [...o.teams.values()].map((t) => ({ ...t, members: [...t.members], repos: [...t.repos] })),
      members: [...o.members],
      membersCanCreateRepositories: o.membersCanCreateRepositories,
      membersCanCreateTeams: o.membersCanCreateTeams,
    })),
  };
}

/** Replaces the world's contents with `data` (validated first: nothing changes when it is not a world). */
export function loadWorld(world: World, raw: unknown): void {
  const data = githubWorldData.parse(raw);
  world.nextId = data.nextId;
  world.users = new Map(data.users.map((u) => [key(u.login), u]));
  world.orgs = new Map(
    data.orgs.map((o) => [
      key(o.login),
      {
        login: o.login,
        id: o.id,
        repos: new Map(o.repos.map((r): [string, Repo] => [key(r.name), { ...r, objects: new Map(r.objects.map(([sha, obj]) => [sha, objectFromData(obj)])), refs: new Map(r.refs) }])),
        teams: new Map(o.teams.map((t): [string, Team] => [key(t.slug), { ...t, members: new Map(t.members), repos: new Map(t.repos) }])),
        members: new Map(o.members),
        membersCanCreateRepositories: o.membersCanCreateRepositories,
        membersCanCreateTeams: o.membersCanCreateTeams,
      },
    ]),
  );
}
