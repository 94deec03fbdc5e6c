import { createHmac, timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { z } from 'zod';

/**
 * The two receivers of GitHub push events that git-import a course into an LMS, each as strict
 * as its source:
 * - edx-sysadmin's `POST /sysadmin/api/gitreload/` (mitodl/open-edx-plugins
 *   src/edx_sysadmin/edx_sysadmin/api/permissions.py and api/views.py);
 * - the standalone mitodl/gitreload (gitreload/web.py), behind a proxy that checks basic auth.
 */

export interface GitImportRecord {
  /** Which receiver took it: the edx-sysadmin LMS plugin or a standalone mitodl/gitreload. */
  via: 'edx-sysadmin' | 'gitreload';
  /** The URL it was posted to (tells staging from production when both are mounted). */
  url: string;
  repoName: string;
  sshUrl: string;
  branch: string;
}

export interface GitreloadOptions {
  /** edx-sysadmin: the LMS's SYSADMIN_GITHUB_WEBHOOK_KEY. Unset (the plugin's default), every request is refused. */
  webhookKey?: string;
  /** edx-sysadmin: the LMS's SYSADMIN_DEFAULT_BRANCH, the only branch it imports. Unset (the plugin's default), every push is refused. */
  defaultBranch?: string;
  /** gitreload: repositories cloned in its REPODIR (by name) and the branch each has checked out; it imports nothing else. */
  clones?: Record<string, string>;
  /** gitreload: the basic-auth credentials of the proxy in front of it (gitreload itself checks none). */
  basicAuth?: { username: string; password: string };
  /** Called for each accepted import: the sandbox uses it to make the imported course exist, as git_add_course would. */
  onImport?: (record: GitImportRecord) => void;
}

const HEADS = 'refs/heads/';
const DJANGO_500 = '<!doctype html>\n<html lang="en"><head><title>Server Error (500)</title></head><body><h1>Server Error (500)</h1><p></p></body></html>';
const FLASK_500 = '<!doctype html>\n<html lang=en><title>500 Internal Server Error</title><h1>Internal Server Error</h1>';

const payloadSchema = z.object({
  ref: z.string().optional(),
  repository: z.object({ name: z.string().optional(), ssh_url: z.string().optional(), owner: z.unknown().optional() }).passthrough(),
});

function hmacHex(algorithm: 'sha256' | 'sha1', key: string, body: string): string {
  return createHmac(algorithm, key).update(body).digest('hex');
}

function sameText(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * GithubWebhookPermission: the reason it refuses, or undefined when the signature is valid;
 * 'crash' where the plugin raises outside its checks (a header without exactly one `=`).
 */
function sysadminRefusal(key: string | undefined, body: string, c: Context): string | 'crash' | undefined {
  // api/permissions.py: no SYSADMIN_GITHUB_WEBHOOK_KEY refuses everything.
  if (key === undefined) return 'SYSADMIN_GITHUB_WEBHOOK_KEY is not configured in settings';
  // api/permissions.py: X-Hub-Signature-256, else the sha1 X-Hub-Signature.
  const header = c.req.header('x-hub-signature-256') ?? c.req.header('x-hub-signature');
  if (header === undefined) return 'X-Hub-Signature-256 or sha1 not found in request headers';
  // api/permissions.py: `sha_name, signature = header.split("=")` raises unless there is exactly one "=".
  const parts = header.split('=');
  if (parts.length !== 2) return 'crash';
  const [name, signature] = parts as [string, string];
  if (name !== 'sha256' && name !== 'sha1') return 'Signature is not using sha256 or sha1';
  // api/permissions.py: HMAC of the exact request body, compared in constant time.
  if (!sameText(hmacHex(name, key, body), signature)) return "Signatures didn't match";
  return undefined;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: 'Expecting value: line 1 column 1 (char 0)' };
  }
}

/** edx-sysadmin's GitReloadAPIView on an LMS: its refusals, in its order, and its three ways of queueing an import. */
export function sysadminGitreloadRoute(options: GitreloadOptions, record: (r: GitImportRecord) => void) {
  // Clones under GIT_REPO_DIR by repo name, with their checked-out branch (utils.get_local_course_repo).
  const clones = new Map<string, string>();
  return new Hono().post('/', async (c) => {
    const body = await c.req.text();
    const refusal = sysadminRefusal(options.webhookKey, body, c);
    if (refusal === 'crash') return c.html(DJANGO_500, 500);
    // GithubWebhookPermissionException: DRF renders {"detail": ...} with 403.
    if (refusal !== undefined) return c.json({ detail: refusal }, 403);

    // api/views.py: every refusal below is 400 {"message": ...}; nothing is imported.
    const refuse = (message: string) => c.json({ message }, 400);
    const json = parseJson(body);
    if (!json.ok) return refuse(json.error);
    const payload = payloadSchema.safeParse(json.value);
    if (!payload.success) return refuse("'repository'");
    const { repository, ref = '' } = payload.data;
    const branch = ref.replace(HEADS, '');
    const event = c.req.header('x-github-event');
    if (event !== 'push') return refuse("The API works for 'Push' events only");
    if (!repository.name) return refuse("Couldn't find Repo's name in the payload");
    if (!repository.ssh_url) return refuse("Couldn't find Repo's ssh_url in the payload");
    if (!ref) return refuse("Couldn't find Repo's pushed branch ref in the payload");
    if (options.defaultBranch === undefined) return refuse('SYSADMIN_DEFAULT_BRANCH is not configured in settings');
    if (branch !== options.defaultBranch) return refuse(`Couldn't reload course from the branch (${branch}), expected branch was (${options.defaultBranch}) `);

    const imported: GitImportRecord = { via: 'edx-sysadmin', url: c.req.url, repoName: repository.name, sshUrl: repository.ssh_url, branch: options.defaultBranch };
    const active = clones.get(repository.name);
    clones.set(repository.name, options.defaultBranch);
    record(imported);
    options.onImport?.(imported);
    // api/views.py: add_repo.delay(...) queues the import, and the answer is 200 {"message": ...}.
    if (active === undefined) return c.json({ message: `No local course copy found. Triggered course import from branch: ${options.defaultBranch} of repo: ${repository.name}` });
    if (`${HEADS}${active}` !== ref) {
      return c.json({
        message: `Active branch for the local copy of the course is different than the pushed branch.Triggered reloading after checkout from branch: ${HEADS}${active} to branch: ${options.defaultBranch} of repo: ${repository.name}`,
      });
    }
    return c.json({ message: `Triggered reloading branch: ${ref} of repo: ${repository.name}` });
  });
}

/** mitodl/gitreload's hook_receive (POST / and /gitreload), behind its basic-auth proxy. */
export function legacyGitreloadRoute(options: GitreloadOptions, record: (r: GitImportRecord) => void) {
  // gitreload/web.py json_dump_msg: a JSON string served as Flask's default text/html.
  const msg = (c: Context, text: string, status: 200 | 500 = 200) => c.html(JSON.stringify({ msg: text }), status);
  let queued = 0;
  return new Hono().post('/', async (c) => {
    // gitreload/web.py hook_receive: "There is some assumption of security outside this app (e.g. basic authentication)".
    if (options.basicAuth) {
      const expected = `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}`;
      if (!sameText(c.req.header('authorization') ?? '', expected)) return c.text('401 Authorization Required', 401, { 'WWW-Authenticate': 'Basic realm="gitreload"' });
    }
    const event = c.req.header('x-github-event');
    // gitreload/web.py verify_hook: a ping and any other event answer 200 and import nothing.
    if (event === 'ping') return msg(c, 'pong');
    if (event !== 'push') return msg(c, 'We do not handle that event');
    const text = await c.req.text();
    // gitreload/web.py: request.json, else the form field `payload`; a missing key raises (500).
    const raw = (c.req.header('content-type') ?? '').includes('json') ? text : (new URLSearchParams(text).get('payload') ?? '');
    const json = parseJson(raw);
    const payload = json.ok ? payloadSchema.safeParse(json.value) : undefined;
    if (!payload?.success || payload.data.repository.name === undefined || payload.data.repository.owner === undefined) return c.html(FLASK_500, 500);
    const { repository, ref } = payload.data;
    const name = repository.name!;
    // gitreload/web.py: only a repository already cloned in REPODIR is pulled (git_add_course makes the clone).
    const branch = options.clones?.[name];
    if (branch === undefined) return msg(c, 'Repository not valid', 500);
    if (`${HEADS}${branch}` !== ref) return msg(c, "Branch pushed doesn't match local branch, ignoring");
    const imported: GitImportRecord = { via: 'gitreload', url: c.req.url, repoName: name, sshUrl: repository.ssh_url ?? '', branch };
    record(imported);
    options.onImport?.(imported);
    queued++;
    return msg(c, `Added course import task to queue. Queue size was ${queued}`);
  });
}
