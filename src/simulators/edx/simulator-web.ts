import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import { notFoundPage, webPage } from '../web-page';
import type { EdxSimQuirks, EdxSimState, SimCourseRun } from './simulator';

/**
 * The simulated edX's web pages, read-only, at the addresses the service's instructions and
 * replies link to (src/instructions/sites.ts): Studio's home, outline, settings, team, rerun,
 * import and export pages; the LMS's course, about and instructor pages and edx-sysadmin's
 * panels. Shown as to global staff (the sandbox has no sign-in): the real pages ask a visitor
 * without a session to sign in first. A course that does not exist answers 404, as there.
 */

interface Deps {
  state: EdxSimState;
  quirks: EdxSimQuirks;
  /** The run whose key is exactly `key` (course URLs are case-sensitive). */
  run(key: string): SimCourseRun | undefined;
}

const STUDIO = 'Studio';
const LMS = 'LMS';
const coursePath = (prefix: string, key: string, suffix = '') => `/${prefix}/${encodeURIComponent(key)}${suffix}`;

function teamTable(run: SimCourseRun) {
  return run.team.length === 0
    ? html`<p class="muted">Nobody yet.</p>`
    : html`<table>
        <tr><th>Username</th><th>Role</th></tr>
        ${run.team.map((m) => html`<tr><td>${m.user}</td><td>${m.role}</td></tr>`)}
      </table>`;
}

/** A Studio page about one course run, or 404 when there is none. */
function studioCoursePage(deps: Deps, title: string, body: (run: SimCourseRun) => ReturnType<typeof html>) {
  return (c: Context) => {
    const run = deps.run(c.req.param('key') ?? '');
    if (!run) return notFoundPage(c, STUDIO, 'There is no course with this key in Studio. A course appears here once it is created (Studio home, New course, or the course runs API) or imported from git.');
    return webPage(c, STUDIO, `${title}: ${run.title}`, html`<p><code>${run.id}</code> · <a href="${coursePath('course', run.id)}">Outline</a></p>${body(run)}`);
  };
}

/**
 * Studio (CMS) pages, paths as in edx-platform cms/urls.py (shared/reference/edx-apis.md 3.1-3.8);
 * any other address is Django's HTML 404.
 */
export function mountStudioWebViews(web: Hono, deps: Deps): void {
  web.get('/home', (c) =>
    webPage(
      c,
      STUDIO,
      'Studio home',
      html`<h2>Courses</h2>
        <ul>${deps.state.runs.map((r) => html`<li><a href="${coursePath('course', r.id)}">${r.title}</a> <code>${r.id}</code>${r.rerunOf ? html` (re-run of <code>${r.rerunOf}</code>)` : ''}</li>`)}</ul>`,
    ),
  );
  web.get(
    '/course/:key',
    studioCoursePage(deps, 'Course outline', (run) => {
      const links: [string, string][] = [
        ['Advanced settings', coursePath('settings/advanced', run.id)],
        ['Course team', coursePath('course_team', run.id)],
        ['Import', coursePath('import', run.id)],
        ['Export', coursePath('export', run.id)],
        ['Re-run', coursePath('course_rerun', run.id)],
      ];
      return html`<p>Start ${run.schedule.start ?? 'not set'} · end ${run.schedule.end ?? 'not set'} · ${run.pacing_type.replace('_', '-')}</p>
        <h2>Imported content</h2>
        ${run.imports.length === 0
          ? html`<p class="muted">No content imported yet.</p>`
          : html`<ul>${run.imports.map((i) => html`<li>${i.filename}: ${i.files.length} files</li>`)}</ul>`}
        <ul>${links.map(([label, href]) => html`<li><a href="${href}">${label}</a></li>`)}</ul>`;
    }),
  );
  web.get(
    '/settings/advanced/:key',
    studioCoursePage(deps, 'Advanced settings', (run) => {
      // Studio without EXPORT_GIT hides giturl from this list (EdxSimQuirks.hideGiturl).
      const shown = Object.entries(run.advanced).filter(([name]) => !(deps.quirks.hideGiturl && name === 'giturl'));
      return html`<table>
        <tr><th>Setting</th><th>Value</th></tr>
        ${shown.map(([name, value]) => html`<tr><td><code>${name}</code></td><td><code>${JSON.stringify(value)}</code></td></tr>`)}
      </table>`;
    }),
  );
  web.get('/course_team/:key', studioCoursePage(deps, 'Course team', (run) => teamTable(run)));
  web.get('/course_rerun/:key', studioCoursePage(deps, 'Re-run', (run) => html`<p>A re-run copies <code>${run.id}</code> to a new course run (read-only here).</p>`));
  web.get('/import/:key', studioCoursePage(deps, 'Course import', (run) => html`<p>${run.imports.length} import(s) so far. Uploading a .tar.gz is done through the import API here.</p>`));
  web.get('/export/:key', studioCoursePage(deps, 'Course export', () => html`<p>Exporting a .tar.gz is not simulated.</p>`));
  web.get('/export_git/:key', (c) => {
    // cms/urls.py mounts export_git only when EXPORT_GIT is on (shared/reference/edx-apis.md 3.8).
    if (deps.quirks.hideGiturl) return notFoundPage(c, STUDIO);
    return studioCoursePage(deps, 'Export to git', (run) => html`<p>giturl: <code>${String(run.advanced.giturl ?? 'not set')}</code></p>`)(c);
  });
  web.notFound((c) => notFoundPage(c, STUDIO));
}

/**
 * LMS pages: courseware paths of edx-platform lms/urls.py, sysadmin panels of mitodl/edx-sysadmin
 * edx_sysadmin/urls.py; any other address is Django's HTML 404.
 */
export function mountLmsWebViews(web: Hono, deps: Deps): void {
  const coursePage = (title: string, body: (run: SimCourseRun) => ReturnType<typeof html>) => (c: Context) => {
    const run = deps.run(c.req.param('key') ?? '');
    if (!run) return notFoundPage(c, LMS, 'There is no course with this key on this LMS. A course appears here once it is imported into this LMS (a git import) or, on the LMS beside Studio, made in Studio.');
    return webPage(c, LMS, `${run.title}${title ? `: ${title}` : ''}`, html`<p><code>${run.id}</code></p>${body(run)}`);
  };
  web.get('/courses/:key/about', coursePage('', (run) => html`<p>Starts ${run.schedule.start ?? 'on a date to be announced'}.</p><p><a href="${coursePath('courses', run.id, '/course/')}">View the course</a></p>`));
  web.get('/courses/:key/course/', coursePage('Course home', (run) => html`<p>${run.imports.length === 0 ? 'Content arrives with a git import or a Studio import.' : `${run.imports.at(-1)!.files.length} files from the last import.`}</p><p><a href="${coursePath('courses', run.id, '/about')}">About</a></p>`));
  web.get('/courses/:key/instructor', coursePage('Instructor dashboard', (run) => html`<h2 id="view-membership">Membership</h2>${teamTable(run)}`));

  const courses = (c: Context) =>
    webPage(
      c,
      LMS,
      'Sysadmin: courses',
      html`<table>
        <tr><th>Course</th><th>Title</th></tr>
        ${deps.state.runs.map((r) => html`<tr><td><a href="${coursePath('courses', r.id, '/about')}">${r.id}</a></td><td>${r.title}</td></tr>`)}
      </table>`,
    );
  const gitLogs = (c: Context) =>
    webPage(
      c,
      LMS,
      'Sysadmin: git logs',
      deps.state.gitImports.length === 0
        ? html`<p class="muted">No git imports yet.</p>`
        : html`<table>
            <tr><th>Repository</th><th>Branch</th><th>Received by</th></tr>
            ${[...deps.state.gitImports].reverse().map((g) => html`<tr><td><code>${g.sshUrl}</code></td><td>${g.branch}</td><td>${g.via}</td></tr>`)}
          </table>`,
    );
  // edx_sysadmin/urls.py: courses/? and gitlogs/? take both forms, gitimport/ only with the slash.
  web.get('/sysadmin/courses', courses);
  web.get('/sysadmin/courses/', courses);
  web.get('/sysadmin/gitlogs', gitLogs);
  web.get('/sysadmin/gitlogs/', gitLogs);
  web.get('/sysadmin/gitimport/', (c) =>
    webPage(c, LMS, 'Sysadmin: git import', html`<p>Imports a course from a git repository (repository location and branch); read-only here. Results appear in the <a href="/sysadmin/gitlogs/">git logs</a>.</p>`),
  );
  web.notFound((c) => notFoundPage(c, LMS));
}
