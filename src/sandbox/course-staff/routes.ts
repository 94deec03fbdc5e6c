import { type Context, Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { type GithubApi, pushAsCourseStaff, PushRefused } from './push';

/**
 * The sandbox's "course staff" panel: what course staff do in their own git client (add the
 * course image, write the about page, change any file), pushed to a course's repository in the
 * simulated GitHub, so publish and its quality check can be tried. Sandbox only.
 */

export interface CourseStaffDeps {
  github: GithubApi;
  /** The orgs whose repositories are listed (the XML and Studio orgs). */
  orgs: string[];
}

const STAFF = { name: 'Course Staff', email: 'staff@sandbox.test' };
const MAX_BYTES = 2 * 1024 * 1024;
const repoList = z.array(z.object({ full_name: z.string() }));

const pushForm = z.object({
  repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'choose a repository'),
  path: z
    .string()
    .trim()
    .min(1, 'give the file path in the repository, e.g. static/images_course_image.jpg')
    .max(300)
    .regex(/^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[\w./ -]+$/, 'the path must be relative, without . or .. parts, e.g. about/overview.html'),
  text: z.string().max(MAX_BYTES).optional(),
  file: z.instanceof(File).optional(),
});

const page = (body: unknown) => html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Course staff (sandbox)</title>
    <link rel="icon" type="image/svg+xml" href="/helpdesk/favicon.svg" />
    <link rel="stylesheet" href="/helpdesk/host/host.css" />
  </head>
  <body>
    <header class="topbar"><strong>Orcoursetrion help desk</strong><span class="tag">sandbox</span><nav aria-label="Main"><a href="/helpdesk">Tickets</a><a href="/helpdesk/course-staff" aria-current="page">Course staff</a></nav></header>
    <main><section class="panel">${body}</section></main>
  </body>
</html>`;

export function courseStaffRoutes(deps: CourseStaffDeps): Hono {
  const app = new Hono();
  const fetchFn = deps.github.fetch ?? fetch;

  async function repos(): Promise<string[]> {
    const names: string[] = [];
    for (const org of deps.orgs) {
      const res = await fetchFn(new URL(`orgs/${org}/repos?per_page=100`, deps.github.apiUrl), { headers: { authorization: `token ${deps.github.token}` } });
      if (res.ok) names.push(...repoList.parse(await res.json()).map((r) => r.full_name));
    }
    return names.sort();
  }

  app.get('/', async (c) => {
    const names = await repos();
    const select = html`<label>Repository <select name="repo" required>${names.map((n) => html`<option value="${n}" ${n === c.req.query('repo') ? 'selected' : ''}>${n}</option>`)}</select></label>`;
    const form = (title: string, hint: string, fields: unknown) =>
      html`<form method="post" enctype="multipart/form-data" class="staff-push" aria-label="${title}"><h2>${title}</h2><p class="muted">${hint}</p>${select}${fields}<button type="submit">Push</button></form>`;
    return c.html(
      page(html`<h1>Course staff</h1>
        <p>Act as a course's staff: push to its repository as <code>git push</code> would, then file a <em>Publish</em> request to see the quality check.</p>
        ${names.length === 0 ? html`<p>No course repositories yet: file and approve a new course request first.</p>` : ''}
        ${form('Add the course image', 'The image on the course card (at least 378x225 pixels); the quality check looks for the one policy.json names.', html`<input type="hidden" name="kind" value="image" /><label>Path <input name="path" value="static/images_course_image.jpg" /></label><label>Image <input type="file" name="file" accept="image/*" required /></label>`)}
        ${form('Write the about page', 'What students read before enrolling.', html`<input type="hidden" name="path" value="about/overview.html" /><label>about/overview.html <textarea name="text" rows="6" required><section class="about"><h2>About This Course</h2><p>…</p></section></textarea></label>`)}
        ${form('Change a file', 'Any text file: course.xml, a policy, a chapter.', html`<label>Path <input name="path" placeholder="course/2027_Spring.xml" required /></label><label>Content <textarea name="text" rows="8" required></textarea></label>`)}`),
    );
  });

  app.post('/', async (c) => {
    // Same-origin only: a page elsewhere cannot make the browser push here. The service's
    // no-referrer policy makes browsers send `Origin: null`, so Fetch Metadata decides.
    const site = c.req.header('sec-fetch-site');
    if (site && site !== 'same-origin' && site !== 'none') return c.text('cross-origin pushes are refused', 403);
    const parsed = pushForm.safeParse(await c.req.parseBody().catch(() => ({})));
    if (!parsed.success) return result(c, 400, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const { repo, path, text, file } = parsed.data;
    const content = file && file.size > 0 ? Buffer.from(await file.arrayBuffer()) : text !== undefined ? Buffer.from(text, 'utf8') : undefined;
    if (!content) return result(c, 400, 'file: choose a file to push (or write its content)');
    if (content.length > MAX_BYTES) return result(c, 400, `file: ${content.length} bytes is more than the panel pushes (2 MB)`);
    try {
      const pushed = await pushAsCourseStaff(deps.github, { repo, files: [{ path, content }], message: `Update ${path}`, author: STAFF });
      return result(c, 200, `Pushed ${path} to ${repo} (branch ${pushed.branch}, commit ${pushed.commit.slice(0, 7)}).`, repo);
    } catch (err) {
      if (err instanceof PushRefused) return result(c, 502, err.message, repo);
      throw err;
    }
  });

  const result = (c: Context, status: 200 | 400 | 502, message: string, repo?: string) =>
    c.html(page(html`<h1>Course staff</h1><p role="${status === 200 ? 'status' : 'alert'}">${message}</p><p><a href="/helpdesk/course-staff${repo ? `?repo=${encodeURIComponent(repo)}` : ''}">Push something else</a></p>`), status);

  return app;
}
