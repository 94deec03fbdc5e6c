import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { notFoundPage, webPage } from '../web-page';
import { branchHistory, getObject, key, resolveTree, type Org, type Repo, type World } from './simulator-state';

/**
 * The simulated GitHub's web pages, read-only, at the addresses the service links to (its
 * `githubPage` links and the API's html_url): a repository with its files, branches, hooks and
 * teams; its hooks settings; a branch's commits; a team; an organisation or a user. Shown as to
 * an owner of every organisation (the sandbox has no sign-in): the real GitHub answers 404 to a
 * visitor who cannot see a private repository.
 */

const SYSTEM = 'GitHub';
const path = (...segments: string[]) => `/${segments.map(encodeURIComponent).join('/')}`;
const branchPath = (r: Repo, branch: string) => `${path(r.owner, r.name, 'commits')}/${branch.split('/').map(encodeURIComponent).join('/')}`;

/** A hook URL as the page shows it: a password in it (gitreload's basic auth) is masked. */
function shownHookUrl(url: string | undefined): string {
  if (!url) return '';
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

export function githubWebViews(world: World): Hono {
  const web = new Hono();
  const orgOf = (name: string) => world.orgs.get(key(name));
  const repoOf = (owner: string, name: string) => orgOf(owner)?.repos.get(key(name));
  const teamsWith = (r: Repo) => [...(orgOf(r.owner)?.teams.values() ?? [])].flatMap((t) => {
    const permission = t.repos.get(key(`${r.owner}/${r.name}`));
    return permission ? [{ team: t, permission }] : [];
  });
  const missing = (c: Context, what: string) => notFoundPage(c, SYSTEM, `There is no ${what} here.`);
  const repoTitle = (r: Repo) => html`<a href="${path(r.owner)}">${r.owner}</a> / <a href="${path(r.owner, r.name)}">${r.name}</a>`;

  // github.com/orgs/{org}/teams/{team_slug}: the team's html_url.
  web.get('/orgs/:org/teams/:slug', (c) => {
    const o = orgOf(c.req.param('org'));
    const t = o?.teams.get(key(c.req.param('slug')));
    if (!o || !t) return missing(c, 'such team');
    const members = [...t.members].sort(([a], [b]) => a.localeCompare(b));
    return webPage(
      c,
      SYSTEM,
      `Team ${t.name}`,
      html`<p>In <a href="${path(o.login)}">${o.login}</a> · ${t.privacy === 'secret' ? 'secret' : 'visible'} team · default permission ${t.permission}</p>
        <h2>Members (${members.length})</h2>
        <ul>${members.map(([login, role]) => html`<li><a href="${path(login)}">${login}</a>${role === 'maintainer' ? ' (maintainer)' : ''}</li>`)}</ul>
        <h2>Repositories</h2>
        <ul>${[...t.repos].flatMap(([full, permission]) => {
          const r = repoOf(...(full.split('/') as [string, string]));
          return r ? [html`<li><a href="${path(r.owner, r.name)}">${r.owner}/${r.name}</a>: ${permission}</li>`] : [];
        })}</ul>`,
    );
  });

  web.get('/:owner/:repo/settings/hooks', (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    if (!r) return missing(c, 'such repository');
    return webPage(
      c,
      SYSTEM,
      `Webhooks of ${r.owner}/${r.name}`,
      html`<p>${repoTitle(r)}</p>
        ${r.hooks.length === 0
          ? html`<p class="muted">No webhooks.</p>`
          : html`<table>
              <tr><th>Payload URL</th><th>Content type</th><th>Events</th><th>Secret</th><th>Active</th></tr>
              ${r.hooks.map((h) => html`<tr><td><code>${shownHookUrl(h.config.url)}</code></td><td>${h.config.content_type ?? 'form'}</td><td>${h.events.join(', ')}</td><td>${h.config.secret === undefined ? 'none' : 'set'}</td><td>${h.active ? 'yes' : 'no'}</td></tr>`)}
            </table>`}`,
    );
  });

  web.get('/:owner/:repo/commits/:branch{.+}', (c) => {
    const r = repoOf(c.req.param('owner'), c.req.param('repo'));
    const branch = c.req.param('branch');
    if (!r || !r.refs.has(`heads/${branch}`)) return missing(c, 'such branch');
    return webPage(
      c,
      SYSTEM,
      `Commits on ${branch}`,
      html`<p>${repoTitle(r)}</p>
        <table>
          <tr><th>Commit</th><th>Message</th><th>Author</th><th>Date</th></tr>
          ${branchHistory(r, branch).map(({ sha, commit }) => html`<tr><td><code>${sha.slice(0, 7)}</code></td><td>${commit.message}</td><td>${commit.author.name}</td><td>${commit.author.date}</td></tr>`)}
        </table>`,
    );
  });

  web.get('/:owner/:repo', (c) => {
    const [owner, name] = [c.req.param('owner'), c.req.param('repo')];
    const r = repoOf(owner, name);
    // A clone URL (clone_url, `owner/name.git`) opened in a browser leads to the repository.
    const cloned = !r && name.endsWith('.git') ? repoOf(owner, name.slice(0, -4)) : undefined;
    if (cloned) return c.redirect(path(cloned.owner, cloned.name), 301);
    if (!r) return missing(c, 'such repository');
    const files = [...(resolveTree(r, r.defaultBranch)?.tree.entries ?? [])].sort(([a], [b]) => a.localeCompare(b));
    const branches = [...r.refs.keys()].filter((ref) => ref.startsWith('heads/')).map((ref) => ref.slice(6)).sort();
    return webPage(
      c,
      SYSTEM,
      `${r.owner}/${r.name}`,
      html`<p>${repoTitle(r)} · ${r.private ? 'Private' : 'Public'}${r.isTemplate ? ' template' : ''}</p>
        ${r.description ? html`<p>${r.description}</p>` : ''}
        <h2>Files on ${r.defaultBranch}</h2>
        ${files.length === 0
          ? html`<p class="muted">This repository is empty.</p>`
          : html`<table>${files.map(([file, { sha }]) => html`<tr><td><code>${file}</code></td><td class="muted">${getObject(r, sha, 'blob')?.content.length ?? 0} bytes</td></tr>`)}</table>`}
        <h2>Branches</h2>
        <ul>${branches.map((b) => html`<li><a href="${branchPath(r, b)}">${b}</a>${b === r.defaultBranch ? ' (default)' : ''}</li>`)}</ul>
        <h2>Teams with access</h2>
        <ul>${teamsWith(r).map(({ team, permission }) => html`<li><a href="${path('orgs', team.org, 'teams', team.slug)}">${team.name}</a>: ${permission}</li>`)}</ul>
        <h2>Webhooks</h2>
        <p><a href="${path(r.owner, r.name, 'settings', 'hooks')}">${r.hooks.length} webhook${r.hooks.length === 1 ? '' : 's'}</a></p>`,
    );
  });

  web.get('/:owner', (c) => {
    const o: Org | undefined = orgOf(c.req.param('owner'));
    if (o) {
      return webPage(
        c,
        SYSTEM,
        o.login,
        html`<h2>Repositories</h2>
          <ul>${[...o.repos.values()].map((r) => html`<li><a href="${path(r.owner, r.name)}">${r.name}</a></li>`)}</ul>
          <h2>Teams</h2>
          <ul>${[...o.teams.values()].map((t) => html`<li><a href="${path('orgs', o.login, 'teams', t.slug)}">${t.name}</a></li>`)}</ul>`,
      );
    }
    const user = world.users.get(key(c.req.param('owner')));
    if (!user) return missing(c, 'such user or organization');
    return webPage(c, SYSTEM, user.login, html`<p>A GitHub user.</p>`);
  });

  web.notFound((c) => missing(c, 'such page'));
  return web;
}
