import { gzipSync } from 'node:zlib';
import { Hono, type Context } from 'hono';
import { pack } from 'tar-stream';
import type { z } from 'zod';
import { githubWebUrl } from '../../courses/naming';
import * as s from './simulator-schemas';
import {
  commitFiles, copyTreeObjects, createWorld, filesOf, getObject, historyLength, isAncestor, key, nextId, putBlob, putCommit, putTree,
  resolveCommit, resolveTree, slugOf, type Mode, type Org, type Permission, type Repo, type Team, type World,
} from './simulator-state';
import { loadWorld, worldToData } from './simulator-persist';
import { githubWebViews } from './simulator-web';

/**
 * A stateful GitHub (REST v3) for tests, the bench and the sandbox: a Hono app answering the
 * endpoints Orcoursetrion uses, at `/` and under `/api/v3` (GHES). It checks Authorization,
 * validates bodies (422 like GitHub), counts requests, can add latency, fail on demand, and
 * enforce a secondary rate limit on content-creating requests (403 + retry-after, as GitHub).
 */

export interface SimulatorOptions {
  /** token -> login of the user it authenticates ("installation" tokens come from apps). */
  tokens?: Record<string, string>;
  /** Classic token scopes, sent back in x-oauth-scopes; a token not listed has what the service needs. */
  scopes?: Record<string, string[]>;
  /** GitHub Apps: app id -> installation ids it may get tokens for. */
  apps?: Record<string, number[]>;
  /** What an installation token's answer lists under `permissions`; default: what the service needs. */
  installationPermissions?: Record<string, string>;
  defaultBranch?: string;
  latencyMs?: number;
  now?: () => number;
}

export interface SecondaryLimit {
  perMinute: number;
  /** 0.01 makes the limit's minute 600 ms; retry-after is given in scaled seconds. */
  timeScale?: number;
}

export interface Fault {
  method?: string;
  /** Matched against the path without the /api/v3 prefix. */
  path?: RegExp;
  status: number;
  times: number;
  message?: string;
  headers?: Record<string, string>;
}

export interface RequestRecord {
  method: string;
  path: string;
  status: number;
  start: number;
  end: number;
}

/** What `doctor` asks of a classic token (docs.github.com .../scopes-for-oauth-apps). */
const SERVICE_SCOPES = ['repo', 'admin:org', 'admin:repo_hook'];
const CONTENT_CREATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const SECONDARY_MESSAGE = 'You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.';

type Actor = { kind: 'user'; login: string; scopes: string[] } | { kind: 'installation'; appId: string };
type Env = { Variables: { actor: Actor } };
type C = Context<Env>;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function fail(c: C, status: 400 | 401 | 403 | 404 | 409 | 422, message: string, errors?: unknown[]) {
  return c.json({ message, ...(errors ? { errors } : {}), documentation_url: 'https://docs.github.com/rest' }, status);
}

async function parseBody<T extends z.ZodType>(c: C, schema: T): Promise<{ ok: true; data: z.infer<T> } | { ok: false; res: Response }> {
  const text = await c.req.text();
  let raw: unknown = undefined;
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch {
      return { ok: false, res: fail(c, 400, 'Problems parsing JSON') };
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((i) => ({ resource: 'Request', field: i.path.join('.'), code: 'invalid', message: i.message }));
    return { ok: false, res: fail(c, 422, 'Invalid request.', errors) };
  }
  return { ok: true, data: parsed.data };
}

/** Page through a list as GitHub does (per_page up to 100, Link rel="next"). */
function paginate<T>(c: C, items: readonly T[]) {
  const perPage = Math.min(100, Math.max(1, Number(c.req.query('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(c.req.query('page') ?? 1) || 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  if (page * perPage < items.length) {
    const next = new URL(c.req.url);
    next.searchParams.set('page', String(page + 1));
    next.searchParams.set('per_page', String(perPage));
    c.header('link', `<${next.toString()}>; rel="next"`);
  }
  return c.json(slice);
}

export function createGithubSimulator(options: SimulatorOptions = {}) {
  const world: World = createWorld(options.now ?? Date.now);
  const scopesOf = (token: string, given?: string[]) => given ?? options.scopes?.[token] ?? [...SERVICE_SCOPES];
  const tokens = new Map<string, Actor>(Object.entries(options.tokens ?? {}).map(([t, login]) => [t, { kind: 'user', login, scopes: scopesOf(t) }]));
  const apps = new Map(Object.entries(options.apps ?? {}));
  const defaultBranch = options.defaultBranch ?? 'main';
  const control = {
    latencyMs: options.latencyMs ?? 0,
    secondaryLimit: undefined as SecondaryLimit | undefined,
    faults: [] as Fault[],
    requests: [] as RequestRecord[],
  };
  const writeTimes: number[] = [];
  const archiveLinks = new Map<string, { repo: Repo; sha: string | undefined; expires: number }>();

  // ---- lookups ------------------------------------------------------------------------------
  const org = (name: string) => world.orgs.get(key(name));
  const repoOf = (owner: string, name: string) => org(owner)?.repos.get(key(name));
  const teamOf = (o: Org, slug: string) => o.teams.get(key(slug));
  const base = (c: C) => {
    const url = new URL(c.req.url);
    const ghes = url.pathname.startsWith('/api/v3');
    const api = `${url.origin}${ghes ? '/api/v3' : ''}`;
    return { api, web: githubWebUrl(ghes ? `${api}/` : url.origin) };
  };

  // ---- JSON shapes ----------------------------------------------------------------------------
  const repoJson = (c: C, r: Repo): Record<string, unknown> => {
    const { api, web } = base(c);
    const tmpl = r.templateRepository ? repoOf(...(r.templateRepository.split('/') as [string, string])) : undefined;
    return {
      id: r.id, node_id: `R_${r.id}`, name: r.name, full_name: `${r.owner}/${r.name}`,
      owner: { login: r.owner, id: org(r.owner)?.id, type: 'Organization' },
      private: r.private, visibility: r.private ? 'private' : 'public', description: r.description, fork: false,
      html_url: `${web}/${r.owner}/${r.name}`, url: `${api}/repos/${r.owner}/${r.name}`,
      clone_url: `${web}/${r.owner}/${r.name}.git`, default_branch: r.defaultBranch, is_template: r.isTemplate,
      template_repository: tmpl ? repoJson(c, tmpl) : null,
    };
  };
  const teamJson = (c: C, t: Team) => ({
    id: t.id, node_id: `T_${t.id}`, name: t.name, slug: t.slug, description: t.description, privacy: t.privacy,
    permission: t.permission, url: `${base(c).api}/organizations/${org(t.org)?.id}/team/${t.id}`,
    html_url: `${base(c).web}/orgs/${t.org}/teams/${t.slug}`, parent: null,
  });
  const userJson = (c: C, login: string) => ({ login, id: world.users.get(key(login))?.id ?? 0, type: 'User', html_url: `${base(c).web}/${login}` });
  const hookJson = (c: C, r: Repo, h: Repo['hooks'][number]) => ({
    id: h.id, type: 'Repository', name: h.name, active: h.active, events: h.events, config: h.config,
    url: `${base(c).api}/repos/${r.owner}/${r.name}/hooks/${h.id}`, created_at: h.createdAt, updated_at: h.createdAt,
  });
  const commitJson = (c: C, r: Repo, sha: string) => {
    const commit = getObject(r, sha, 'commit')!;
    return {
      sha, node_id: `C_${sha}`, url: `${base(c).api}/repos/${r.owner}/${r.name}/git/commits/${sha}`, message: commit.message,
      tree: { sha: commit.tree }, parents: commit.parents.map((p) => ({ sha: p })), author: commit.author, committer: commit.committer,
    };
  };

  const newRepo = (o: Org, name: string, fields: Partial<Repo> = {}): Repo => {
    const r: Repo = {
      id: nextId(world), owner: o.login, name, description: null, private: true, isTemplate: false, templateRepository: null,
      defaultBranch, objects: new Map(), refs: new Map(), hooks: [], ...fields,
    };
    o.repos.set(key(name), r);
    return r;
  };
  const newTeam = (o: Org, name: string, fields: Partial<Team> = {}): Team => {
    const t: Team = {
      id: nextId(world), org: o.login, name, slug: slugOf(name), description: null, privacy: 'closed', permission: 'pull',
      members: new Map(), repos: new Map(), ...fields,
    };
    o.teams.set(key(t.slug), t);
    return t;
  };

  const installationPermissions = options.installationPermissions ?? { administration: 'write', contents: 'write', members: 'write', repository_hooks: 'write', metadata: 'read' };

  /**
   * Who may create repositories or teams in an organization; a refusal to answer, or undefined.
   * github/rest-api-description descriptions/api.github.com/api.github.com.yaml: repos/create-in-org ("The authenticated
   * user must be a member of the organization") and teams/create ("must be a member or owner of {org} ... Organization owners
   * can limit team creation to organization owners"), both listing 403; the bodies' wording is unconfirmed (docs/real-systems.md).
   * An App's installation acts by its permissions: Administration (repositories), Members (teams).
   */
  const refusesCreation = (c: C, o: Org, what: 'repositories' | 'teams'): Response | undefined => {
    const actor = c.get('actor');
    if (actor.kind === 'installation') {
      return installationPermissions[what === 'repositories' ? 'administration' : 'members'] === 'write' ? undefined : fail(c, 403, 'Resource not accessible by integration');
    }
    const role = o.members.get(key(actor.login));
    if (role === 'admin' || (role === 'member' && (what === 'repositories' ? o.membersCanCreateRepositories : o.membersCanCreateTeams))) return undefined;
    return what === 'repositories'
      ? fail(c, 403, 'You need admin access to the organization before adding a repository to it.')
      : fail(c, 403, 'You must be an owner of this organization, or a member where members may create teams, to create a team.');
  };

  // ---- the API --------------------------------------------------------------------------------
  const api = new Hono<Env>();

  api.post('/app/installations/:id/access_tokens', (c) => {
    const actor = c.get('actor');
    if (actor.kind !== 'installation' || !apps.get(actor.appId)?.includes(Number(c.req.param('id')))) return fail(c, 404, 'Not Found');
    const token = `ghs_sim${nextId(world)}`;
    tokens.set(token, actor);
    return c.json({ token, expires_at: new Date(world.now() + 3_600_000).toISOString(), permissions: installationPermissions, repository_selection: 'all' }, 201);
  });

  api.get('/user', (c) => {
    const actor = c.get('actor');
    return actor.kind === 'user' ? c.json(userJson(c, actor.login)) : fail(c, 403, 'Resource not accessible by integration');
  });
  // github/rest-api-description OrgMembership (state, role); 404 for a non-member is unconfirmed (docs/real-systems.md).
  api.get('/user/memberships/orgs/:org', (c) => {
    const actor = c.get('actor');
    // User-to-server only: an installation token is refused like any endpoint an integration cannot use.
    if (actor.kind !== 'user') return fail(c, 403, 'Resource not accessible by integration');
    const o = org(c.req.param('org'));
    const role = o?.members.get(key(actor.login));
    if (!o || !role) return fail(c, 404, 'Not Found');
    return c.json({
      url: `${base(c).api}/orgs/${o.login}/memberships/${actor.login}`, state: 'active', role,
      organization_url: `${base(c).api}/orgs/${o.login}`, organization: { login: o.login, id: o.id }, user: userJson(c, actor.login),
    });
  });
  api.get('/users/:login', (c) => {
    const u = world.users.get(key(c.req.param('login')));
    return u ? c.json(userJson(c, u.login)) : fail(c, 404, 'Not Found');
  });

  // repositories
  api.post('/orgs/:org/repos', async (c) => {
    const o = org(c.req.param('org'));
    if (!o) return fail(c, 404, 'Not Found');
    const refused = refusesCreation(c, o, 'repositories');
    if (refused) return refused;
    const body = await parseBody(c, s.createRepoBody);
    if (!body.ok) return body.res;
    const { name } = body.data;
    if (o.repos.has(key(name))) {
      return fail(c, 422, 'Repository creation failed.', [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }]);
    }
    const r = newRepo(o, name, {
      description: body.data.description ?? null,
      private: body.data.visibility ? body.data.visibility !== 'public' : (body.data.private ?? false),
      isTemplate: body.data.is_template ?? false,
    });
    if (body.data.auto_init) commitFiles(world, r, r.defaultBranch, { 'README.md': `# ${name}\n` }, 'Initial commit');
    return c.json(repoJson(c, r), 201);
  });
  api.get('/orgs/:org/repos', (c) => {
    const o = org(c.req.param('org'));
    return o ? paginate(c, [...o.repos.values()].map((r) => repoJson(c, r))) : fail(c, 404, 'Not Found');
  });
  api.get('/repos/:owner/:repo', (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    return r ? c.json(repoJson(c, r)) : fail(c, 404, 'Not Found');
  });
  api.patch('/repos/:owner/:repo', async (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    if (!r) return fail(c, 404, 'Not Found');
    const body = await parseBody(c, s.updateRepoBody);
    if (!body.ok) return body.res;
    const d = body.data;
    if (d.description !== undefined) r.description = d.description;
    if (d.private !== undefined) r.private = d.private;
    if (d.is_template !== undefined) r.isTemplate = d.is_template;
    if (d.default_branch !== undefined) r.defaultBranch = d.default_branch;
    return c.json(repoJson(c, r));
  });
  // https://docs.github.com/en/rest/branches/branches#rename-a-branch: the default branch follows its rename.
  api.post('/repos/:owner/:repo/branches/:branch{.+}/rename', async (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    if (!r) return fail(c, 404, 'Not Found');
    const body = await parseBody(c, s.renameBranchBody);
    if (!body.ok) return body.res;
    const from = c.req.param('branch');
    const sha = r.refs.get(`heads/${from}`);
    if (!sha) return fail(c, 404, 'Branch not found');
    if (r.refs.has(`heads/${body.data.new_name}`)) return fail(c, 422, 'Validation Failed', [{ resource: 'Branch', code: 'already_exists', field: 'new_name', message: 'New branch name already exists' }]);
    r.refs.delete(`heads/${from}`);
    r.refs.set(`heads/${body.data.new_name}`, sha);
    if (r.defaultBranch === from) r.defaultBranch = body.data.new_name;
    return c.json({ name: body.data.new_name, commit: { sha }, protected: false }, 201);
  });
  api.post('/repos/:owner/:repo/generate', async (c) => {
    const tmpl = repoOf(c.req.param('owner'), c.req.param('repo'));
    if (!tmpl) return fail(c, 404, 'Not Found');
    const body = await parseBody(c, s.generateBody);
    if (!body.ok) return body.res;
    if (!tmpl.isTemplate) return fail(c, 422, `${tmpl.owner}/${tmpl.name} is not a template repository`);
    const o = org(body.data.owner);
    if (!o) return fail(c, 404, 'Not Found');
    // repos/create-using-template makes a repository in `owner`: the same rule as creating one there.
    const refused = refusesCreation(c, o, 'repositories');
    if (refused) return refused;
    if (o.repos.has(key(body.data.name))) return fail(c, 422, 'Name already exists on this account', [{ resource: 'Repository', code: 'custom', field: 'name', message: 'Name already exists on this account' }]);
    const r = newRepo(o, body.data.name, {
      description: body.data.description ?? null, private: body.data.private ?? false,
      templateRepository: `${tmpl.owner}/${tmpl.name}`, defaultBranch: tmpl.defaultBranch,
    });
    const head = resolveCommit(tmpl, tmpl.defaultBranch);
    if (head) {
      copyTreeObjects(tmpl, r, head.commit.tree);
      const date = new Date(world.now()).toISOString();
      const who = { name: 'GitHub', email: 'noreply@github.com', date };
      r.refs.set(`heads/${r.defaultBranch}`, putCommit(r, { message: 'Initial commit', tree: head.commit.tree, parents: [], author: who, committer: who }));
    }
    return c.json(repoJson(c, r), 201);
  });

  // contents
  const getContent = (c: C) => {
    const r = repoOf(c.req.param('owner') ?? '', c.req.param('repo') ?? '');
    if (!r) return fail(c, 404, 'Not Found');
    const path = (c.req.param('path') ?? '').replace(/^\/+|\/+$/g, '');
    const head = resolveCommit(r, c.req.query('ref') ?? r.defaultBranch);
    if (!head) return fail(c, 404, r.refs.size === 0 ? 'This repository is empty.' : 'No commit found for the ref');
    const entries = getObject(r, head.commit.tree, 'tree')!.entries;
    const file = entries.get(path);
    if (file) {
      const blob = getObject(r, file.sha, 'blob')!;
      return c.json({ type: 'file', encoding: 'base64', size: blob.content.length, name: path.split('/').pop(), path, sha: file.sha, content: blob.content.toString('base64') });
    }
    const prefix = path === '' ? '' : `${path}/`;
    const children = new Map<string, { type: 'file' | 'dir'; sha: string; size: number }>();
    for (const [p, e] of entries) {
      if (!p.startsWith(prefix)) continue;
      const [first, ...rest] = p.slice(prefix.length).split('/');
      children.set(first!, rest.length > 0 ? { type: 'dir', sha: '', size: 0 } : { type: 'file', sha: e.sha, size: getObject(r, e.sha, 'blob')!.content.length });
    }
    if (children.size === 0) return fail(c, 404, 'Not Found');
    return c.json([...children].map(([name, e]) => ({ ...e, name, path: prefix + name })));
  };
  api.get('/repos/:owner/:repo/contents', getContent);
  api.get('/repos/:owner/:repo/contents/:path{.*}', getContent);
  api.put('/repos/:owner/:repo/contents/:path{.+}', async (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    if (!r) return fail(c, 404, 'Not Found');
    const body = await parseBody(c, s.putContentBody);
    if (!body.ok) return body.res;
    const path = c.req.param('path');
    const branch = body.data.branch ?? r.defaultBranch;
    const head = resolveCommit(r, branch);
    if (!head && r.refs.size > 0 && body.data.branch) return fail(c, 404, `Branch ${branch} not found`);
    const existing = head && getObject(r, head.commit.tree, 'tree')!.entries.get(path);
    if (existing && body.data.sha === undefined) return fail(c, 422, 'Invalid request.\n\n"sha" wasn\'t supplied.');
    if (body.data.sha !== undefined && body.data.sha !== existing?.sha) return fail(c, 409, `${path} does not match ${body.data.sha}`);
    const who = body.data.committer ?? body.data.author;
    const sha = commitFiles(world, r, branch, { [path]: Buffer.from(body.data.content, 'base64') }, body.data.message, who);
    const blobSha = getObject(r, getObject(r, sha, 'commit')!.tree, 'tree')!.entries.get(path)!.sha;
    return c.json({ content: { name: path.split('/').pop(), path, sha: blobSha }, commit: commitJson(c, r, sha) }, existing ? 200 : 201);
  });

  // git data
  api.get('/repos/:owner/:repo/commits/:ref{.+}', (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    if (!r) return fail(c, 404, 'Not Found');
    if (r.refs.size === 0) return fail(c, 409, 'Git Repository is empty.');
    const head = resolveCommit(r, c.req.param('ref'));
    if (!head) return fail(c, 422, `No commit found for SHA: ${c.req.param('ref')}`);
    const json = commitJson(c, r, head.sha);
    return c.json({ sha: head.sha, commit: { message: json.message, tree: json.tree, author: json.author, committer: json.committer }, parents: json.parents, files: [] });
  });
  api.get('/repos/:owner/:repo/git/ref/:ref{.+}', (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    if (!r) return fail(c, 404, 'Not Found');
    if (r.refs.size === 0) return fail(c, 409, 'Git Repository is empty.');
    const sha = r.refs.get(c.req.param('ref'));
    return sha ? c.json({ ref: `refs/${c.req.param('ref')}`, object: { sha, type: 'commit' } }) : fail(c, 404, 'Not Found');
  });
  api.post('/repos/:owner/:repo/git/refs', async (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    if (!r) return fail(c, 404, 'Not Found');
    const body = await parseBody(c, s.createRefBody);
    if (!body.ok) return body.res;
    const name = body.data.ref.replace(/^refs\//, '');
    if (r.refs.has(name)) return fail(c, 422, 'Reference already exists');
    if (!getObject(r, body.data.sha, 'commit')) return fail(c, 422, 'Object does not exist');
    r.refs.set(name, body.data.sha);
    return c.json({ ref: body.data.ref, object: { sha: body.data.sha, type: 'commit' } }, 201);
  });
  api.patch('/repos/:owner/:repo/git/refs/:ref{.+}', async (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    if (!r) return fail(c, 404, 'Not Found');
    const body = await parseBody(c, s.updateRefBody);
    if (!body.ok) return body.res;
    const name = c.req.param('ref');
    const current = r.refs.get(name);
    if (!current) return fail(c, 422, 'Reference does not exist');
    if (!getObject(r, body.data.sha, 'commit')) return fail(c, 422, 'Object does not exist');
    if (!body.data.force && !isAncestor(r, current, body.data.sha)) return fail(c, 422, 'Update is not a fast forward');
    r.refs.set(name, body.data.sha);
    return c.json({ ref: `refs/${name}`, object: { sha: body.data.sha, type: 'commit' } });
  });
  api.get('/repos/:owner/:repo/git/trees/:sha{.+}', (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    if (!r) return fail(c, 404, 'Not Found');
    if (r.refs.size === 0) return fail(c, 409, 'Git Repository is empty.');
    const found = resolveTree(r, c.req.param('sha'));
    if (!found) return fail(c, 404, 'Not Found');
    const recursive = c.req.query('recursive') !== undefined;
    const out: { path: string; mode: string; type: string; sha: string; size?: number }[] = [];
    const dirs = new Set<string>();
    for (const [path, e] of found.tree.entries) {
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
      if (recursive || parts.length === 1) out.push({ path, mode: e.mode, type: 'blob', sha: e.sha, size: getObject(r, e.sha, 'blob')?.content.length });
    }
    for (const d of dirs) if (recursive || !d.includes('/')) out.push({ path: d, mode: '040000', type: 'tree', sha: '0'.repeat(40) });
    out.sort((a, b) => (a.path < b.path ? -1 : 1));
    return c.json({ sha: found.sha, tree: out, truncated: false });
  });
  api.post('/repos/:owner/:repo/git/blobs', async (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    if (!r) return fail(c, 404, 'Not Found');
    const body = await parseBody(c, s.createBlobBody);
    if (!body.ok) return body.res;
    const sha = putBlob(r, Buffer.from(body.data.content, body.data.encoding === 'base64' ? 'base64' : 'utf8'));
    return c.json({ sha, url: `${base(c).api}/repos/${r.owner}/${r.name}/git/blobs/${sha}` }, 201);
  });
  api.get('/repos/:owner/:repo/git/blobs/:sha', (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    const blob = r && getObject(r, c.req.param('sha'), 'blob');
    return blob ? c.json({ sha: c.req.param('sha'), size: blob.content.length, encoding: 'base64', content: blob.content.toString('base64') }) : fail(c, 404, 'Not Found');
  });
  api.post('/repos/:owner/:repo/git/trees', async (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    if (!r) return fail(c, 404, 'Not Found');
    const body = await parseBody(c, s.createTreeBody);
    if (!body.ok) return body.res;
    const baseTree = body.data.base_tree === undefined ? undefined : getObject(r, body.data.base_tree, 'tree');
    if (body.data.base_tree !== undefined && !baseTree) return fail(c, 422, 'base_tree is not a valid tree');
    const entries = new Map(baseTree?.entries ?? []);
    for (const e of body.data.tree) {
      if (e.type !== 'blob' || e.mode === '040000' || e.mode === '160000') return fail(c, 422, `tree.path ${e.path}: only blobs are supported by this simulator`);
      if (e.sha === null) {
        if (!entries.delete(e.path)) return fail(c, 422, `tree.path ${e.path} does not exist in base_tree`);
      } else if (e.content !== undefined) {
        entries.set(e.path, { mode: e.mode, sha: putBlob(r, Buffer.from(e.content, 'utf8')) });
      } else if (e.sha && getObject(r, e.sha, 'blob')) {
        entries.set(e.path, { mode: e.mode as Mode, sha: e.sha });
      } else {
        return fail(c, 422, `tree.sha ${e.sha ?? '(missing)'} is not a valid blob`);
      }
    }
    const sha = putTree(r, entries);
    return c.json({ sha, tree: [...entries].map(([path, e]) => ({ path, ...e, type: 'blob' })), truncated: false }, 201);
  });
  api.post('/repos/:owner/:repo/git/commits', async (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    if (!r) return fail(c, 404, 'Not Found');
    const body = await parseBody(c, s.createCommitBody);
    if (!body.ok) return body.res;
    if (!getObject(r, body.data.tree, 'tree')) return fail(c, 422, 'Tree SHA does not exist');
    if (body.data.parents.some((p) => !getObject(r, p, 'commit'))) return fail(c, 422, 'Parent SHA does not exist or is not a commit object');
    const date = new Date(world.now()).toISOString();
    const who = body.data.committer ?? body.data.author ?? { name: 'Simulator', email: 'sim@github.test' };
    const sha = putCommit(r, {
      message: body.data.message, tree: body.data.tree, parents: body.data.parents,
      author: { date, ...(body.data.author ?? who) }, committer: { date, ...who },
    });
    return c.json(commitJson(c, r, sha), 201);
  });

  // archives: docs.github.com/rest/repos/contents#download-a-repository-archive-tar: a 302 to a
  // link that expires after five minutes (private repositories); an empty repository 404s when
  // the link is followed. GitHub's link is on codeload.github.com (GHES: /_codeload/ on its own
  // host); here it is under the API base, so a mount at the API base URL serves it too.
  const tarball = (c: C) => {
    const r = repoOf(c.req.param('owner') ?? '', c.req.param('repo') ?? '');
    if (!r) return fail(c, 404, 'Not Found');
    const ref = c.req.param('ref') || r.defaultBranch;
    const head = resolveCommit(r, ref);
    if (!head && r.refs.size > 0) return fail(c, 404, 'Not Found');
    const token = `sim${nextId(world)}${Math.random().toString(36).slice(2, 10)}`;
    archiveLinks.set(token, { repo: r, sha: head?.sha, expires: world.now() + 5 * 60_000 });
    return c.redirect(`${base(c).api}/_codeload/${r.owner}/${r.name}/legacy.tar.gz/${encodeURIComponent(ref)}?token=${token}`, 302);
  };
  api.get('/repos/:owner/:repo/tarball', tarball);
  api.get('/repos/:owner/:repo/tarball/:ref{.+}', tarball);

  // teams
  api.get('/orgs/:org/teams', (c) => {
    const o = org(c.req.param('org'));
    return o ? paginate(c, [...o.teams.values()].map((t) => teamJson(c, t))) : fail(c, 404, 'Not Found');
  });
  api.get('/orgs/:org/teams/:slug', (c) => {
    const o = org(c.req.param('org'));
    const t = o && teamOf(o, c.req.param('slug'));
    return t ? c.json(teamJson(c, t)) : fail(c, 404, 'Not Found');
  });
  api.post('/orgs/:org/teams', async (c) => {
    const o = org(c.req.param('org'));
    if (!o) return fail(c, 404, 'Not Found');
    const refused = refusesCreation(c, o, 'teams');
    if (refused) return refused;
    const body = await parseBody(c, s.createTeamBody);
    if (!body.ok) return body.res;
    const d = body.data;
    if ([...o.teams.values()].some((t) => key(t.name) === key(d.name)) || o.teams.has(slugOf(d.name))) {
      return fail(c, 422, 'Validation Failed', [{ resource: 'Team', code: 'custom', field: 'name', message: 'Name must be unique for this org' }]);
    }
    // https://docs.github.com/en/rest/teams/teams#create-a-team: privacy defaults to secret for a non-nested team.
    const t = newTeam(o, d.name, { description: d.description ?? null, privacy: d.privacy ?? 'secret', permission: d.permission ?? 'pull' });
    // As on GitHub, a user who creates a team becomes its maintainer.
    const actor = c.get('actor');
    if (actor.kind === 'user') t.members.set(actor.login, 'maintainer');
    for (const m of d.maintainers ?? []) t.members.set(m, 'maintainer');
    for (const full of d.repo_names ?? []) t.repos.set(key(full), t.permission);
    return c.json(teamJson(c, t), 201);
  });
  api.get('/orgs/:org/teams/:slug/members', (c) => {
    const o = org(c.req.param('org'));
    const t = o && teamOf(o, c.req.param('slug'));
    return t ? paginate(c, [...t.members.keys()].map((login) => userJson(c, login))) : fail(c, 404, 'Not Found');
  });
  api.put('/orgs/:org/teams/:slug/memberships/:user', async (c) => {
    const o = org(c.req.param('org'));
    const t = o && teamOf(o, c.req.param('slug'));
    const u = world.users.get(key(c.req.param('user')));
    if (!t || !u) return fail(c, 404, 'Not Found');
    const body = await parseBody(c, s.membershipBody);
    if (!body.ok) return body.res;
    const existing = [...t.members.keys()].find((m) => key(m) === key(u.login));
    const role = body.data?.role ?? (existing ? t.members.get(existing)! : 'member');
    if (existing) t.members.delete(existing);
    t.members.set(u.login, role);
    return c.json({ url: `${base(c).api}/orgs/${o.login}/teams/${t.slug}/memberships/${u.login}`, role, state: 'active' });
  });
  api.delete('/orgs/:org/teams/:slug/memberships/:user', (c) => {
    const o = org(c.req.param('org'));
    const t = o && teamOf(o, c.req.param('slug'));
    const login = t && [...t.members.keys()].find((m) => key(m) === key(c.req.param('user')));
    if (!t || !login) return fail(c, 404, 'Not Found');
    t.members.delete(login);
    return c.body(null, 204);
  });
  api.put('/orgs/:org/teams/:slug/repos/:owner/:repo', async (c) => {
    const o = org(c.req.param('org'));
    const t = o && teamOf(o, c.req.param('slug'));
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    if (!t || !r) return fail(c, 404, 'Not Found');
    if (key(r.owner) !== key(o.login)) return fail(c, 422, 'Validation Failed', [{ resource: 'TeamRepository', code: 'custom', message: 'repository must be owned by the organization' }]);
    const body = await parseBody(c, s.teamRepoBody);
    if (!body.ok) return body.res;
    t.repos.set(key(`${r.owner}/${r.name}`), body.data?.permission ?? t.permission);
    return c.body(null, 204);
  });

  // hooks
  api.get('/repos/:owner/:repo/hooks', (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    return r ? paginate(c, r.hooks.map((h) => hookJson(c, r, h))) : fail(c, 404, 'Not Found');
  });
  api.post('/repos/:owner/:repo/hooks', async (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    if (!r) return fail(c, 404, 'Not Found');
    const body = await parseBody(c, s.createHookBody);
    if (!body.ok) return body.res;
    const events = body.data.events ?? ['push'];
    if (r.hooks.some((h) => h.config.url === body.data.config.url && h.events.join() === events.join())) {
      return fail(c, 422, 'Validation Failed', [{ resource: 'Hook', code: 'custom', message: 'Hook already exists on this repository' }]);
    }
    const { url, content_type, secret, insecure_ssl } = body.data.config;
    const config: Record<string, string> = { url, content_type: content_type ?? 'form', insecure_ssl: String(insecure_ssl ?? '0') };
    if (secret) config.secret = '********';
    const h = { id: nextId(world), name: 'web', active: body.data.active ?? true, events, config, createdAt: new Date(world.now()).toISOString() };
    r.hooks.push(h);
    return c.json(hookJson(c, r, h), 201);
  });
  api.delete('/repos/:owner/:repo/hooks/:id', (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    const i = r ? r.hooks.findIndex((h) => String(h.id) === c.req.param('id')) : -1;
    if (!r || i < 0) return fail(c, 404, 'Not Found');
    r.hooks.splice(i, 1);
    return c.body(null, 204);
  });

  // ---- the front door: auth, latency, counting, faults, secondary limit -------------------
  const actorFor = (authorization: string | undefined): Actor | undefined => {
    const m = /^(token|bearer)\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) return undefined;
    const known = tokens.get(m[2]!);
    if (known) return known;
    // An app's JWT (signature not checked here): three base64url parts whose payload names the app.
    const parts = m[2]!.split('.');
    if (parts.length !== 3) return undefined;
    try {
      const payload: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
      const iss = typeof payload === 'object' && payload !== null && 'iss' in payload ? String(payload.iss) : undefined;
      return iss && apps.has(iss) ? { kind: 'installation', appId: iss } : undefined;
    } catch {
      return undefined;
    }
  };

  /** The archive behind a tarball link: the token in the link is its only credential, as on codeload. */
  const codeload = async (c: C): Promise<Response> => {
    const link = archiveLinks.get(c.req.query('token') ?? '');
    if (!link || link.expires < world.now()) return c.text('Not Found', 404);
    if (!link.sha) return c.text('Not Found', 404);
    const commit = getObject(link.repo, link.sha, 'commit')!;
    const entries = getObject(link.repo, commit.tree, 'tree')!.entries;
    // git archive's layout: everything under one folder named owner-repo-shortsha, directories
    // before their files (git's pax global header with the commit id is left out: tar-stream
    // cannot write one, and readers skip it).
    const top = `${link.repo.owner}-${link.repo.name}-${link.sha.slice(0, 7)}`;
    const tar = pack();
    const chunks: Buffer[] = [];
    const done = new Promise<void>((resolve, reject) => {
      tar.on('data', (chunk: unknown) => {
        if (chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
      });
      tar.on('end', resolve);
      tar.on('error', reject);
    });
    const mtime = new Date(commit.committer.date);
    tar.entry({ name: `${top}/`, type: 'directory', mode: 0o775, mtime });
    const dirs = new Set<string>();
    for (const path of [...entries.keys()].sort()) {
      const parts = path.split('/');
      for (let i = 1; i < parts.length; i++) {
        const dir = parts.slice(0, i).join('/');
        if (!dirs.has(dir)) {
          dirs.add(dir);
          tar.entry({ name: `${top}/${dir}/`, type: 'directory', mode: 0o775, mtime });
        }
      }
    }
    for (const [path, e] of [...entries].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const content = getObject(link.repo, e.sha, 'blob')!.content;
      if (e.mode === '120000') tar.entry({ name: `${top}/${path}`, type: 'symlink', linkname: content.toString('utf8'), mtime });
      else tar.entry({ name: `${top}/${path}`, mode: e.mode === '100755' ? 0o775 : 0o664, mtime }, content);
    }
    tar.finalize();
    await done;
    return new Response(gzipSync(Buffer.concat(chunks)), {
      headers: { 'content-type': 'application/x-gzip', 'content-disposition': `attachment; filename=${top}.tar.gz` },
    });
  };

  const web = githubWebViews(world);
  /**
   * A browser's visit to GitHub's web side: GHES serves its pages at the root and the API under
   * /api/v3 (api.github.com is API only); the pages use a session, never an Authorization header.
   */
  const isWebVisit = (c: C) => {
    const url = new URL(c.req.url);
    return (c.req.method === 'GET' || c.req.method === 'HEAD') && !c.req.header('authorization') && url.hostname !== 'api.github.com' && !/^\/api\/v3(\/|$)/.test(url.pathname);
  };

  const app = new Hono<Env>();
  app.use('*', async (c, next) => {
    const start = world.now();
    const method = c.req.method;
    const path = new URL(c.req.url).pathname.replace(/^\/api\/v3(?=\/)/, '');
    const record: RequestRecord = { method, path, status: 0, start, end: start };
    control.requests.push(record);
    if (control.latencyMs > 0) await sleep(control.latencyMs);
    const finish = (res: Response) => {
      record.status = res.status;
      record.end = world.now();
      return res;
    };
    if (path.startsWith('/_codeload/')) return finish(await codeload(c));
    if (isWebVisit(c)) return finish(await web.fetch(c.req.raw));
    const actor = actorFor(c.req.header('authorization'));
    if (!actor) return finish(fail(c, 401, 'Bad credentials'));
    c.set('actor', actor);
    // Every answer to a classic token lists its scopes (docs.github.com .../scopes-for-oauth-apps).
    if (actor.kind === 'user') c.header('x-oauth-scopes', actor.scopes.join(', '));
    const fault = control.faults.find((f) => (!f.method || f.method === method) && (!f.path || f.path.test(path)) && f.times > 0);
    if (fault) {
      fault.times--;
      const headers = { 'content-type': 'application/json; charset=utf-8', ...fault.headers };
      return finish(new Response(JSON.stringify({ message: fault.message ?? 'Server Error' }), { status: fault.status, headers }));
    }
    if (CONTENT_CREATING.has(method) && control.secondaryLimit) {
      const windowMs = 60_000 * (control.secondaryLimit.timeScale ?? 1);
      while (writeTimes.length > 0 && writeTimes[0]! <= start - windowMs) writeTimes.shift();
      if (writeTimes.length >= control.secondaryLimit.perMinute) {
        const waitSeconds = Math.max(1, Math.ceil((writeTimes[0]! + windowMs - start) / (1000 * (control.secondaryLimit.timeScale ?? 1))));
        return finish(c.json({ message: SECONDARY_MESSAGE, documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' }, { status: 403, headers: { 'retry-after': String(waitSeconds) } }));
      }
      writeTimes.push(start);
    }
    await next();
    finish(c.res);
  });
  app.route('/api/v3', api);
  app.route('/', api);
  app.notFound((c) => fail(c, 404, 'Not Found'));

  // ---- seeding and reading state (tests, bench, sandbox) -----------------------------------
  const mustOrg = (name: string) => {
    const o = org(name);
    if (!o) throw new Error(`simulator: no organization ${name}`);
    return o;
  };
  const seed = {
    user(login: string) {
      if (!world.users.has(key(login))) world.users.set(key(login), { login, id: nextId(world) });
      return seed;
    },
    /** An organization, its owners (admins) and members, and its member privileges (GitHub's defaults: members may create both). */
    org(login: string, people: { admins?: string[]; members?: string[]; membersCanCreateRepositories?: boolean; membersCanCreateTeams?: boolean } = {}) {
      if (!org(login)) world.orgs.set(key(login), { login, id: nextId(world), repos: new Map(), teams: new Map(), members: new Map(), membersCanCreateRepositories: true, membersCanCreateTeams: true });
      const o = mustOrg(login);
      if (people.membersCanCreateRepositories !== undefined) o.membersCanCreateRepositories = people.membersCanCreateRepositories;
      if (people.membersCanCreateTeams !== undefined) o.membersCanCreateTeams = people.membersCanCreateTeams;
      for (const m of people.members ?? []) o.members.set(key(seed.user(m) && m), 'member');
      for (const a of people.admins ?? []) o.members.set(key(seed.user(a) && a), 'admin');
      return seed;
    },
    team(orgName: string, name: string, fields: { members?: string[]; permission?: Permission } = {}) {
      const t = newTeam(mustOrg(orgName), name, { permission: fields.permission ?? 'pull' });
      for (const m of fields.members ?? []) t.members.set(seed.user(m) && m, 'member');
      return seed;
    },
    repo(orgName: string, name: string, fields: { files?: Record<string, string>; hooks?: string[]; isTemplate?: boolean; defaultBranch?: string } = {}) {
      const r = newRepo(mustOrg(orgName), name, { isTemplate: fields.isTemplate ?? false, defaultBranch: fields.defaultBranch ?? defaultBranch });
      if (fields.files) commitFiles(world, r, r.defaultBranch, fields.files, 'Seed commit');
      for (const url of fields.hooks ?? []) r.hooks.push({ id: nextId(world), name: 'web', active: true, events: ['push'], config: { url, content_type: 'form', insecure_ssl: '0' }, createdAt: new Date(world.now()).toISOString() });
      return seed;
    },
    /** Pushes a commit, as a course author would. */
    push(orgName: string, repoName: string, files: Record<string, string | null>, message = 'Author commit') {
      const r = repoOf(orgName, repoName);
      if (!r) throw new Error(`simulator: no repository ${orgName}/${repoName}`);
      commitFiles(world, r, r.defaultBranch, files, message);
      return seed;
    },
  };

  const read = {
    repo(owner: string, name: string) {
      const r = repoOf(owner, name);
      if (!r) return undefined;
      const teams: Record<string, Permission> = {};
      for (const t of org(owner)?.teams.values() ?? []) {
        const p = t.repos.get(key(`${r.owner}/${r.name}`));
        if (p) teams[t.slug] = p;
      }
      return {
        fullName: `${r.owner}/${r.name}`, private: r.private, description: r.description, isTemplate: r.isTemplate,
        templateRepository: r.templateRepository, defaultBranch: r.defaultBranch, files: filesOf(r), commits: historyLength(r),
        branches: Object.fromEntries([...r.refs].filter(([k]) => k.startsWith('heads/')).map(([k, v]) => [k.slice(6), v])),
        hooks: r.hooks.map((h) => ({ url: h.config.url, events: h.events, active: h.active, contentType: h.config.content_type, signed: h.config.secret !== undefined })),
        teams,
      };
    },
    files(owner: string, name: string, branch?: string) {
      const r = repoOf(owner, name);
      return r ? filesOf(r, branch) : undefined;
    },
    team(orgName: string, slug: string) {
      const t = org(orgName)?.teams.get(key(slug));
      if (!t) return undefined;
      return { name: t.name, slug: t.slug, permission: t.permission, privacy: t.privacy, members: [...t.members.keys()].sort(), repos: Object.fromEntries(t.repos) };
    },
    teamNames(orgName: string) {
      return [...(org(orgName)?.teams.values() ?? [])].map((t) => t.name).sort();
    },
    repoNames(orgName: string) {
      return [...(org(orgName)?.repos.values() ?? [])].map((r) => r.name).sort();
    },
    /** Everything, as plain data: equal snapshots mean nothing changed. */
    snapshot() {
      return [...world.orgs.values()].map((o) => ({
        org: o.login,
        repos: [...o.repos.values()].map((r) => ({ ...read.repo(o.login, r.name), refs: Object.fromEntries(r.refs) })),
        teams: [...o.teams.values()].map((t) => read.team(o.login, t.slug)),
      }));
    },
  };

  const stats = {
    get requests(): readonly RequestRecord[] {
      return control.requests;
    },
    total: () => control.requests.length,
    contentCreating: () => control.requests.filter((r) => CONTENT_CREATING.has(r.method)).length,
    /** Longest chain of requests each starting after the previous one ended: sequential round trips. */
    sequentialRoundTrips(): number {
      const rs = [...control.requests].sort((a, b) => a.start - b.start);
      const depth: number[] = [];
      rs.forEach((r, i) => {
        let best = 0;
        for (let j = 0; j < i; j++) if (rs[j]!.end <= r.start) best = Math.max(best, depth[j]!);
        depth.push(best + 1);
      });
      return Math.max(0, ...depth);
    },
    reset() {
      control.requests.length = 0;
    },
  };

  /** For a client in the same process (no socket): the simulator's answers, redirects followed as fetch does. */
  const clientFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    let request = new Request(input, init);
    for (let hops = 0; ; hops++) {
      const res = await app.fetch(request);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location || hops === 20) return res;
      request = new Request(new URL(location, request.url), { headers: request.headers, signal: request.signal });
    }
  };

  return {
    app,
    fetch: (request: Request) => app.fetch(request),
    clientFetch,
    seed,
    read,
    stats,
    /** Delay added to every request, in ms. */
    setLatency(ms: number) {
      control.latencyMs = ms;
    },
    /** Answer the next `times` matching requests with `status` (e.g. 502, or 403 secondary limit). */
    fail(fault: Fault) {
      control.faults.push({ ...fault });
    },
    /** Answer the next matching requests with GitHub's secondary-rate-limit 403. */
    failSecondaryLimit(fault: Omit<Fault, 'status' | 'message'> & { retryAfterSeconds?: number }) {
      control.faults.push({ ...fault, status: 403, message: SECONDARY_MESSAGE, headers: { 'retry-after': String(fault.retryAfterSeconds ?? 1), ...fault.headers } });
    },
    clearFaults() {
      control.faults.length = 0;
    },
    setSecondaryLimit(limit: SecondaryLimit | undefined) {
      control.secondaryLimit = limit;
      writeTimes.length = 0;
    },
    addToken(token: string, login: string, scopes?: string[]) {
      tokens.set(token, { kind: 'user', login, scopes: scopesOf(token, scopes) });
    },
    /** The world as JSON data and back (the sandbox keeps it in its database across restarts). */
    persist: {
      dump: () => worldToData(world),
      load: (data: unknown) => loadWorld(world, data),
    },
  };
}

export type GithubSimulator = ReturnType<typeof createGithubSimulator>;
