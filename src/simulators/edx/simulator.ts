import { createHmac, randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { extract } from 'tar-stream';
import { z } from 'zod';
import { createFaults, type Faults } from './simulator-faults';
import { legacyGitreloadRoute, sysadminGitreloadRoute, type GitImportRecord, type GitreloadOptions } from './simulator-gitreload';

/**
 * A stateful Open edX for tests and the sandbox: Studio (CMS) and LMS as Hono apps with the
 * real paths, status codes and error shapes (see shared/reference/edx-apis.md), plus a
 * standalone gitreload hook. Tests mount the apps through msw; the sandbox serves them with
 * @hono/node-server. State is plain data that tests read directly.
 */

export interface SimCourseRun {
  id: string;
  org: string;
  number: string;
  run: string;
  title: string;
  schedule: { start: string | null; end: string | null; enrollment_start: string | null; enrollment_end: string | null };
  pacing_type: string;
  team: { user: string; role: string }[];
  /** Advanced settings by name (values only). */
  advanced: Record<string, unknown>;
  rerunOf?: string;
  /** Successful imports, oldest first, with the files each tarball held. */
  imports: { filename: string; files: string[] }[];
}

export interface SimImportTask {
  taskId: string;
  courseKey: string;
  filename: string;
  /** Undefined when the upload was not a readable .tar.gz with a course.xml: the task fails. */
  files: string[] | undefined;
  polls: number;
}

export interface SimRequest {
  app: 'studio' | 'lms' | 'gitreload';
  method: string;
  path: string;
  status: number;
}

/** An LMS user account (auth_user and its profile), as the accounts API shows it to staff. */
export interface SimAccount {
  username: string;
  email: string;
  name: string;
  isActive: boolean;
}

export interface EdxSimState {
  runs: SimCourseRun[];
  /** LMS accounts; with no `users` option the world is open and this holds only the seeded ones. */
  accounts: SimAccount[];
  tokensIssued: number;
  imports: Map<string, SimImportTask>;
  gitImports: GitImportRecord[];
  /** Every request answered, in order (after faults): for "the second call changed nothing". */
  requests: SimRequest[];
}

export interface EdxSimQuirks {
  /** Real behaviour: a duplicate create raises DuplicateCourseError, which Django renders as a 500 HTML page. Off: 400 `{"run": ...}`. */
  duplicateCreateAnswers500: boolean;
  /** Studio with git export disabled: `giturl` is hidden from GET and silently dropped by PATCH. */
  hideGiturl: boolean;
  /** An LMS on MySQL with a case-insensitive collation: `username__in` matches any case. Off: exact (SQLite, a binary collation). */
  accountLookupIgnoresCase: boolean;
}

export interface EdxSimulatorOptions {
  clientId?: string;
  clientSecret?: string;
  tokenTtlSeconds?: number;
  clock?: () => number;
  /** The OAuth application's service user (becomes instructor of every run it creates). */
  serviceUser?: string;
  /** Usernames that exist in the LMS (email `{username}@example.edu`); default: every username exists. */
  users?: string[];
  /** Whether the OAuth application's service user is global staff (is_staff); default true. */
  serviceUserIsStaff?: boolean;
  /** Course runs per page of the list API. */
  pageSize?: number;
  /** Status polls an import spends Pending / In Progress before it finishes. */
  importPolls?: number;
  gitreload?: GitreloadOptions;
}

export interface EdxSimulator {
  studio: Hono;
  /** LMS: OAuth2 token endpoint and the edx-sysadmin gitreload hook. */
  lms: Hono;
  /** A standalone mitodl/gitreload (POST / or /gitreload). */
  gitreload: Hono;
  /** The hooks' settings (SYSADMIN_* on the LMS, gitreload's clones), read per request: a test may change them. */
  gitreloadSettings: GitreloadOptions;
  state: EdxSimState;
  quirks: EdxSimQuirks;
  faults: Faults;
  /** Seeds a run as if made in Studio by hand. */
  addRun(input: { org: string; number: string; run: string; title?: string; team?: { user: string; role: string }[] }): SimCourseRun;
  /** The run whose key equals `key` ignoring case. */
  findRun(key: string): SimCourseRun | undefined;
  /** Invalidates every issued token (the next API call answers 401). */
  revokeTokens(): void;
  /** Registers an LMS account (someone signing up); in a closed world only these exist. */
  addAccount(input: { username: string; email?: string; name?: string; isActive?: boolean }): SimAccount;
}

// opaque-keys ALLOWED_ID_CHARS, as Studio checks it.
const KEY_PART = /^[\w\-~.:]+$/u;
const INVALID_KEY = 'Invalid key supplied. Ensure there are no special characters in the Course Number.';
const SERVER_ERROR_HTML = '<!doctype html>\n<html lang="en"><head><title>Server Error (500)</title></head><body><h1>Server Error (500)</h1><p></p></body></html>';

const scheduleBody = z.object({
  start: z.string(),
  end: z.string(),
  enrollment_start: z.string().optional(),
  enrollment_end: z.string().optional(),
});
const teamBody = z.array(z.object({ user: z.string(), role: z.string() }));
const createBody = z.object({
  org: z.string(),
  number: z.string(),
  run: z.string(),
  title: z.string(),
  schedule: scheduleBody.optional(),
  pacing_type: z.enum(['instructor_paced', 'self_paced']).optional(),
  team: teamBody.optional(),
});
const rerunBody = createBody.omit({ org: true }).partial({ number: true, title: true });
const updateBody = createBody.pick({ title: true, schedule: true, pacing_type: true, team: true }).partial();
const advancedBody = z.record(z.string(), z.object({ value: z.unknown() }));

/** DRF's validation error shape: `{field: ["message"]}`. */
function drfErrors(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'non_field_errors');
    (out[field] ??= []).push(issue.code === 'invalid_type' && issue.input === undefined ? 'This field is required.' : issue.message);
  }
  return out;
}

async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return undefined;
  }
}

async function tarballFiles(data: Uint8Array): Promise<string[] | undefined> {
  let tar: Buffer;
  try {
    tar = gunzipSync(data);
  } catch {
    return undefined;
  }
  const names: string[] = [];
  const reader = extract();
  const done = new Promise<string[] | undefined>((resolve) => {
    reader.on('entry', (header, stream, next) => {
      names.push(header.name);
      stream.on('end', next);
      stream.resume();
    });
    reader.on('finish', () => resolve(names.some((n) => /^([^/]+\/)?course\.xml$/.test(n)) ? names : undefined));
    reader.on('error', () => resolve(undefined));
  });
  reader.end(tar);
  return done;
}

export function createEdxSimulator(options: EdxSimulatorOptions = {}): EdxSimulator {
  const clientId = options.clientId ?? 'sim-client';
  const clientSecret = options.clientSecret ?? 'sim-secret';
  const clock = options.clock ?? Date.now;
  const serviceUser = options.serviceUser ?? 'orcoursetrion';
  const pageSize = options.pageSize ?? 20;
  const importPolls = options.importPolls ?? 2;
  const ttl = options.tokenTtlSeconds ?? 3600;

  const serviceUserIsStaff = options.serviceUserIsStaff ?? true;
  const account = (input: { username: string; email?: string; name?: string; isActive?: boolean }): SimAccount => ({
    username: input.username,
    email: input.email ?? `${input.username}@example.edu`,
    name: input.name ?? input.username,
    isActive: input.isActive ?? true,
  });
  const state: EdxSimState = {
    runs: [],
    accounts: [serviceUser, ...(options.users ?? [])].map((username) => account({ username })),
    tokensIssued: 0,
    imports: new Map(),
    gitImports: [],
    requests: [],
  };
  const quirks: EdxSimQuirks = { duplicateCreateAnswers500: true, hideGiturl: false, accountLookupIgnoresCase: false };
  const faults = createFaults();
  const tokens = new Map<string, { kind: 'jwt' | 'bearer'; expiresAt: number }>();

  const findRun = (key: string) => state.runs.find((r) => r.id.toLowerCase() === key.toLowerCase());
  const exactRun = (key: string) => state.runs.find((r) => r.id === key);
  const openWorld = !options.users;
  /** The account with exactly this username; in an open world, one made up for any username. */
  const accountOf = (username: string) => state.accounts.find((a) => a.username === username) ?? (openWorld ? account({ username }) : undefined);
  const userExists = (user: string) => accountOf(user) !== undefined;

  function newRun(input: { org: string; number: string; run: string; title: string }): SimCourseRun {
    const run: SimCourseRun = {
      id: `course-v1:${input.org}+${input.number}+${input.run}`,
      ...input,
      schedule: { start: null, end: null, enrollment_start: null, enrollment_end: null },
      pacing_type: 'instructor_paced',
      team: [],
      advanced: { display_name: input.title, giturl: null, course_image: 'images_course_image.jpg', days_early_for_beta: null },
      imports: [],
    };
    state.runs.push(run);
    return run;
  }

  /** CourseAccessRole get_or_create: adds, never removes. */
  function grant(run: SimCourseRun, team: { user: string; role: string }[]) {
    for (const m of team) if (!run.team.some((t) => t.user === m.user && t.role === m.role)) run.team.push({ ...m });
  }

  const serialize = (c: Context, run: SimCourseRun) => ({
    id: run.id,
    title: run.title,
    schedule: run.schedule,
    pacing_type: run.pacing_type,
    team: run.team,
    images: { card_image: `${new URL(c.req.url).origin}/asset-v1:${run.org}+${run.number}+${run.run}+type@asset+block@${run.advanced.course_image}` },
  });

  /** update_team when the update is not partial: every CourseAccessRole of the run deleted, then `team` added. */
  function replaceTeam(run: SimCourseRun, team: { user: string; role: string }[]) {
    run.team = [];
    grant(run, team);
  }

  // edx-platform cms/djangoapps/api/v1/serializers/course_runs.py CourseRunTeamSerializer: an unknown username is 400 {"team": ["Course team user does not exist"]}.
  const missingUsers = (team: { user: string }[] | undefined) => (team ?? []).filter((m) => !userExists(m.user));

  function logRequests(app: SimRequest['app']): MiddlewareHandler {
    return async (c, next) => {
      await next();
      state.requests.push({ app, method: c.req.method, path: c.req.path, status: c.res.status });
    };
  }

  /** DRF authentication: a token of a scheme the view lists, issued and unexpired, or 401. */
  const requireToken = (...schemes: ('JWT' | 'Bearer')[]): MiddlewareHandler => async (c, next) => {
    const [scheme, token] = (c.req.header('authorization') ?? '').split(' ');
    const found = token ? tokens.get(token) : undefined;
    const accepted = schemes.some((s) => s === scheme && found?.kind === (s === 'JWT' ? 'jwt' : 'bearer'));
    if (!accepted || !found || found.expiresAt <= clock()) {
      c.header('WWW-Authenticate', 'JWT realm="api"');
      return c.json({ detail: found ? 'Signature has expired.' : 'Authentication credentials were not provided.' }, 401);
    }
    return next();
  };
  const requireJwt = requireToken('JWT');

  /**
   * edx-platform openedx/core/djangoapps/user_api/accounts/api.py get_account_settings: staff and the user
   * themself get the admin fields (email among them); anyone else only the public ones, no email.
   */
  const accountView = (c: Context, a: SimAccount) => {
    const profile_image = { has_image: false, image_url_full: `${new URL(c.req.url).origin}/static/images/profiles/default_500.png` };
    if (!serviceUserIsStaff && a.username !== serviceUser) return { username: a.username, account_privacy: 'private', profile_image };
    return { username: a.username, name: a.name, email: a.email, is_active: a.isActive, date_joined: '2026-01-05T09:00:00Z', account_privacy: 'private', profile_image };
  };

  function applySchedule(run: SimCourseRun, schedule: z.infer<typeof scheduleBody> | undefined) {
    if (schedule) run.schedule = { start: schedule.start, end: schedule.end, enrollment_start: schedule.enrollment_start ?? null, enrollment_end: schedule.enrollment_end ?? null };
  }

  function advancedView(run: SimCourseRun, filter: string | undefined) {
    const names = filter ? filter.split(',') : Object.keys(run.advanced);
    const out: Record<string, { value: unknown; display_name: string; help: string; deprecated: boolean }> = {};
    for (const name of names) {
      if (!(name in run.advanced) || (quirks.hideGiturl && name === 'giturl')) continue;
      out[name] = { value: run.advanced[name], display_name: name.replace(/_/g, ' '), help: '', deprecated: false };
    }
    return out;
  }

  // ---- Studio -------------------------------------------------------------------------------
  const studio = new Hono();
  studio.use('*', logRequests('studio'), faults.middleware);
  studio.use('/api/*', requireJwt);

  studio.get('/api/v1/course_runs/', (c) => {
    const size = Math.min(Number(c.req.query('page_size') ?? pageSize) || pageSize, 100);
    const page = Number(c.req.query('page') ?? '1');
    const pages = Math.max(1, Math.ceil(state.runs.length / size));
    if (!Number.isInteger(page) || page < 1 || page > pages) return c.json({ detail: 'Invalid page.' }, 404);
    const link = (p: number) => {
      const url = new URL(c.req.url);
      url.searchParams.set('page', String(p));
      return url.toString();
    };
    return c.json({
      count: state.runs.length,
      num_pages: pages,
      next: page < pages ? link(page + 1) : null,
      previous: page > 1 ? link(page - 1) : null,
      results: state.runs.slice((page - 1) * size, page * size).map((r) => serialize(c, r)),
    });
  });

  studio.post('/api/v1/course_runs/', async (c) => {
    const body = createBody.safeParse(await jsonBody(c));
    if (!body.success) return c.json(drfErrors(body.error), 400);
    const { org, number, run, title } = body.data;
    if (![org, number, run].every((p) => KEY_PART.test(p))) return c.json({ detail: INVALID_KEY }, 400);
    if (missingUsers(body.data.team).length) return c.json({ team: ['Course team user does not exist'] }, 400);
    const key = `course-v1:${org}+${number}+${run}`;
    if (findRun(key)) {
      return quirks.duplicateCreateAnswers500 ? c.html(SERVER_ERROR_HTML, 500) : c.json({ run: `Course run ${key} already exists` }, 400);
    }
    const created = newRun({ org, number, run, title });
    applySchedule(created, body.data.schedule);
    if (body.data.pacing_type) created.pacing_type = body.data.pacing_type;
    // edx-platform cms/djangoapps/api/v1/serializers/course_runs.py: create_new_course makes the caller instructor and staff, then update_team (not partial) deletes every role and adds only `team`.
    replaceTeam(created, body.data.team ?? []);
    return c.json(serialize(c, created), 201);
  });

  studio.get('/api/v1/course_runs/:key/', (c) => {
    const run = exactRun(c.req.param('key'));
    return run ? c.json(serialize(c, run)) : c.json({ detail: 'Not found.' }, 404);
  });

  const update = (wipeRoles: boolean) => async (c: Context) => {
    const run = exactRun(c.req.param('key') ?? '');
    if (!run) return c.json({ detail: 'Not found.' }, 404);
    const body = updateBody.safeParse(await jsonBody(c));
    if (!body.success) return c.json(drfErrors(body.error), 400);
    if (missingUsers(body.data.team).length) return c.json({ team: ['Course team user does not exist'] }, 400);
    if (body.data.title) run.title = body.data.title;
    applySchedule(run, body.data.schedule);
    if (body.data.pacing_type) run.pacing_type = body.data.pacing_type;
    // course_runs.py update_team: PUT (not partial) replaces the team, even with none sent; PATCH only adds.
    if (wipeRoles) replaceTeam(run, body.data.team ?? []);
    else grant(run, body.data.team ?? []);
    return c.json(serialize(c, run));
  };
  studio.patch('/api/v1/course_runs/:key/', update(false));
  studio.put('/api/v1/course_runs/:key/', update(true));

  studio.post('/api/v1/course_runs/:key/rerun/', async (c) => {
    const source = exactRun(c.req.param('key'));
    if (!source) return c.json({ detail: 'Not found.' }, 404);
    const body = rerunBody.safeParse(await jsonBody(c));
    if (!body.success) return c.json(drfErrors(body.error), 400);
    const number = body.data.number ?? source.number;
    if (![number, body.data.run].every((p) => KEY_PART.test(p))) return c.json({ detail: INVALID_KEY }, 400);
    if (missingUsers(body.data.team).length) return c.json({ team: ['Course team user does not exist'] }, 400);
    const key = `course-v1:${source.org}+${number}+${body.data.run}`;
    if (findRun(key)) return c.json({ run: `Course run ${key} already exists` }, 400);
    const copy = newRun({ org: source.org, number, run: body.data.run, title: body.data.title ?? source.title });
    copy.rerunOf = source.id;
    copy.advanced = { ...source.advanced, display_name: copy.title };
    copy.pacing_type = source.pacing_type;
    // rerun_course clears the dates that belong to the old run.
    copy.schedule = { ...source.schedule, enrollment_start: null, enrollment_end: null };
    applySchedule(copy, body.data.schedule);
    // edx-platform cms/djangoapps/api/v1/serializers/course_runs.py: CourseRunRerunSerializer.update ends with update_team (not partial): only `team` is left.
    replaceTeam(copy, body.data.team ?? []);
    return c.json(serialize(c, copy), 201);
  });

  studio.get('/api/contentstore/v1/course_team/:key', (c) => {
    const run = exactRun(c.req.param('key'));
    if (!run) return c.json({ detail: 'Not found.' }, 404);
    const users = [...new Set(run.team.map((t) => t.user))].map((username, i) => ({
      id: i + 1,
      username,
      email: `${username}@example.edu`,
      role: run.team.some((t) => t.user === username && t.role === 'instructor') ? 'instructor' : 'staff',
    }));
    return c.json({ users, allow_actions: true, show_transfer_ownership_hint: false });
  });

  studio.get('/api/contentstore/v0/advanced_settings/:key', (c) => {
    const run = exactRun(c.req.param('key'));
    return run ? c.json(advancedView(run, c.req.query('filter_fields'))) : c.json({ detail: 'Not found.' }, 404);
  });

  studio.patch('/api/contentstore/v0/advanced_settings/:key', async (c) => {
    const run = exactRun(c.req.param('key'));
    if (!run) return c.json({ detail: 'Not found.' }, 404);
    const body = advancedBody.safeParse(await jsonBody(c));
    if (!body.success) return c.json({ developer_message: 'Each setting must be {"value": ...}', error_code: 'invalid_settings' }, 400);
    for (const [name, { value }] of Object.entries(body.data)) {
      if (quirks.hideGiturl && name === 'giturl') continue;
      run.advanced[name] = value;
    }
    return c.json(advancedView(run, undefined));
  });

  studio.post('/api/courses/v0/import/:key/', async (c) => {
    const run = exactRun(c.req.param('key'));
    if (!run) return c.json({ developer_message: `Course ${c.req.param('key')} does not exist`, error_code: 'course_not_found' }, 404);
    const form = await c.req.parseBody();
    const file = form.course_data;
    if (!(file instanceof File) || !file.name.endsWith('.tar.gz')) {
      return c.json({ developer_message: 'Parameters must be .tar.gz', error_code: 'invalid_file_type' }, 400);
    }
    const task: SimImportTask = { taskId: randomUUID(), courseKey: run.id, filename: file.name, files: await tarballFiles(new Uint8Array(await file.arrayBuffer())), polls: 0 };
    state.imports.set(task.taskId, task);
    return c.json({ task_id: task.taskId });
  });

  studio.get('/api/courses/v0/import/:key/', (c) => {
    const taskId = c.req.query('task_id');
    const filename = c.req.query('filename');
    if (!taskId || !filename) return c.json({ developer_message: 'task_id and filename are required', error_code: 'missing_parameters' }, 400);
    const task = state.imports.get(taskId);
    if (!task || task.courseKey !== c.req.param('key') || task.filename !== filename) return c.json({ detail: 'Not found.' }, 404);
    task.polls++;
    if (task.polls <= importPolls) return c.json({ state: task.polls === 1 ? 'Pending' : 'In Progress' });
    if (!task.files) return c.json({ state: 'Failed' });
    const run = exactRun(task.courseKey);
    if (run && task.polls === importPolls + 1) run.imports.push({ filename: task.filename, files: task.files });
    return c.json({ state: 'Succeeded' });
  });

  // ---- LMS ----------------------------------------------------------------------------------
  const recordGitImport = (r: GitImportRecord) => state.gitImports.push(r);
  const lms = new Hono();
  lms.use('*', logRequests('lms'), faults.middleware);

  lms.post('/oauth2/access_token', async (c) => {
    const form = await c.req.parseBody();
    if (form.grant_type !== 'client_credentials') return c.json({ error: 'unsupported_grant_type' }, 400);
    if (form.client_id !== clientId || form.client_secret !== clientSecret) return c.json({ error: 'invalid_client' }, 401);
    const kind = form.token_type === 'jwt' ? 'jwt' : 'bearer';
    const now = clock();
    const token =
      kind === 'jwt'
        ? jwtLike({ sub: serviceUser, iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + ttl, jti: randomUUID() }, clientSecret)
        : randomUUID().replace(/-/g, '');
    tokens.set(token, { kind, expiresAt: now + ttl * 1000 });
    state.tokensIssued++;
    return c.json({ access_token: token, expires_in: ttl, token_type: kind === 'jwt' ? 'JWT' : 'Bearer', scope: 'read write profile email' });
  });
  // edx-platform openedx/core/djangoapps/user_api/urls.py: `^v1/accounts$` (no trailing slash) is AccountViewSet.list; it also takes Bearer tokens.
  lms.get('/api/user/v1/accounts', requireToken('JWT', 'Bearer'), (c) => {
    const param = c.req.query('username');
    // accounts/views.py AccountViewSet.list: `usernames.strip(",").split(",")`; none given means the caller's own account.
    const wanted = param ? param.replace(/^,+|,+$/g, '').split(',') : [serviceUser];
    // accounts/api.py get_account_settings: `filter(username__in=...)` drops unknown names silently; 404 (no body) only when none exists.
    const fold = (name: string) => (quirks.accountLookupIgnoresCase ? name.toLowerCase() : name);
    const found = state.accounts.filter((a) => wanted.some((name) => fold(name) === fold(a.username)));
    if (openWorld) for (const name of new Set(wanted)) if (name && !found.some((a) => a.username === name)) found.push(account({ username: name }));
    if (found.length === 0) return c.body(null, 404);
    return c.json(found.map((a) => accountView(c, a)));
  });
  const gitreloadSettings = options.gitreload ?? {};
  lms.route('/sysadmin/api/gitreload/', sysadminGitreloadRoute(gitreloadSettings, recordGitImport));

  const gitreload = new Hono();
  gitreload.use('*', logRequests('gitreload'), faults.middleware);
  // gitreload/web.py: both routes are hook_receive, over one queue.
  const legacy = legacyGitreloadRoute(gitreloadSettings, recordGitImport);
  gitreload.route('/', legacy);
  gitreload.route('/gitreload', legacy);

  return {
    studio,
    lms,
    gitreload,
    gitreloadSettings,
    state,
    quirks,
    faults,
    addRun(input) {
      const run = newRun({ ...input, title: input.title ?? `${input.number} (${input.run})` });
      grant(run, input.team ?? []);
      return run;
    },
    findRun,
    revokeTokens: () => tokens.clear(),
    addAccount(input) {
      const added = account(input);
      state.accounts.push(added);
      return added;
    },
  };
}

/** A token shaped like a JWT (header.payload.signature); the simulator only looks it up. */
function jwtLike(payload: Record<string, unknown>, secret: string): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
