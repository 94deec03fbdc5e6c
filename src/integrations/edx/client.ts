import axios, { type AxiosRequestConfig, type AxiosResponse } from 'axios';
import type { Config } from '../../config';
import type { Logger } from '../../log';
import { rateLimitOf, type CallObserver } from '../calls';
import { lookupAccounts, type EdxAccount } from './accounts';
import { readAdvancedSettings, setAdvancedSettings, type SettingsChange } from './advanced-settings';
import { importCourseTarball, type CourseArchive, type ImportOptions, type ImportResult } from './course-import';
import {
  createCourseRun,
  getCourseRun,
  listCourseRuns,
  rerunCourseRun,
  type CourseRerun,
  type CourseRunResult,
  type NewCourseRun,
} from './course-runs';
import { addCourseTeam, type TeamChange } from './course-team';
import { EdxPermanentError } from './errors';
import type { EdxEnvironment, TeamRole } from '../../courses/edx';
import { checkGitreloadHook, triggerGitImport, type GitImportConfig, type GitImportInput, type GitImportResult, type HookCheck } from './git-import';
import type { CourseRun } from './schemas';
import { createStudioApi, type StudioApi } from './studio-api';
import { createTokenSource, type TokenSource } from './token';

export type EdxClientConfig = Pick<Config, 'ORC_EDX_STUDIO_URL' | 'ORC_EDX_STAGING_URL' | 'ORC_EDX_CLIENT_ID' | 'ORC_EDX_CLIENT_SECRET'> & GitImportConfig;

export interface EdxClientDeps {
  config: EdxClientConfig;
  log: Logger;
  /** axios adapter; default: Node's http adapter, or `fetch` when `fetch` is given (Workers). */
  adapter?: AxiosRequestConfig['adapter'];
  fetch?: typeof fetch;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Per request. A rerun runs inline in the request on edX, so this is generous. Default 5 min. */
  requestTimeoutMs?: number;
  /** Told how each HTTP call ended (metrics), whichever adapter makes it. */
  calls?: CallObserver;
}

/** The Open edX operations the workflows use; each is idempotent (create-or-adopt, add-only, re-import). */
export interface EdxClient {
  /** Duplicate check: the run with exactly this key, if any (one GET, never a listing). */
  findCourseRun(key: string): Promise<CourseRun | undefined>;
  /** One page of at most `pageSize` runs (default 1): a preflight, never a search. */
  listCourseRuns(pageSize?: number): Promise<CourseRun[]>;
  createCourseRun(input: NewCourseRun): Promise<CourseRunResult>;
  rerunCourseRun(input: CourseRerun): Promise<CourseRunResult>;
  addCourseTeam(key: string, members: { user: string; role: TeamRole }[]): Promise<TeamChange>;
  setAdvancedSettings(key: string, settings: Record<string, unknown>): Promise<SettingsChange>;
  /** The names among `names` that Studio shows for this run (it hides `giturl` unless git export is on). */
  visibleAdvancedSettings(key: string, names: string[]): Promise<string[]>;
  importCourseTarball(key: string, archive: CourseArchive, options?: ImportOptions): Promise<ImportResult>;
  triggerGitImport(input: GitImportInput): Promise<GitImportResult>;
  /** Preflight (doctor): a signed push of a branch that does not exist, to `repo`; never imports. */
  checkGitreloadHook(environment: EdxEnvironment, repo: string): Promise<HookCheck>;
  /** The staging LMS's accounts of `usernames`, keyed as asked; a name absent from the map has no account. */
  lookupAccounts(usernames: readonly string[]): Promise<Map<string, EdxAccount>>;
}

export function createEdxClient(deps: EdxClientDeps): EdxClient {
  const clock = deps.clock ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const log = deps.log.child({ integration: 'edx' });
  const http = axios.create({
    adapter: deps.adapter ?? (deps.fetch ? 'fetch' : undefined),
    ...(deps.fetch && { env: { fetch: deps.fetch } }),
    timeout: deps.requestTimeoutMs ?? 5 * 60_000,
    maxRedirects: 0,
  });
  const calls = deps.calls;
  if (calls) {
    const seen = (response: AxiosResponse | undefined) => {
      // axios keeps header names lower-case, whichever adapter answered.
      const header = (name: string) => {
        const value: unknown = response?.headers[name];
        return typeof value === 'string' ? value : undefined;
      };
      calls.externalCall({ system: 'edx', status: response?.status ?? 'network_error', rateLimit: response ? rateLimitOf(response.status, header) : undefined });
    };
    http.interceptors.response.use(
      (response) => {
        seen(response);
        return response;
      },
      (err: unknown) => {
        seen(axios.isAxiosError(err) ? err.response : undefined);
        throw err;
      },
    );
  }

  // Built on first use, so a deployment that only uses git_import needs no Studio settings.
  let studio: StudioApi | undefined;
  let lms: StudioApi | undefined;
  let tokens: TokenSource | undefined;
  const settings = () => {
    const { ORC_EDX_STUDIO_URL: studioUrl, ORC_EDX_STAGING_URL: lmsUrl, ORC_EDX_CLIENT_ID: clientId, ORC_EDX_CLIENT_SECRET: clientSecret } = deps.config;
    if (!studioUrl || !lmsUrl || !clientId || !clientSecret) {
      throw new EdxPermanentError('edX API calls need ORC_EDX_STUDIO_URL, ORC_EDX_STAGING_URL, ORC_EDX_CLIENT_ID and ORC_EDX_CLIENT_SECRET; set them or remove the operation from ORC_EDX_API');
    }
    // One token for both: the staging LMS issues it and Studio shares its installation.
    tokens ??= createTokenSource({ http, lmsUrl, clientId, clientSecret, clock, log });
    return { studioUrl, lmsUrl, tokens };
  };
  const api = (): StudioApi => {
    if (studio) return studio;
    const { studioUrl, tokens } = settings();
    studio = createStudioApi({ http, studioUrl, tokens, clock });
    return studio;
  };
  const lmsApi = (): StudioApi => {
    if (lms) return lms;
    const { lmsUrl, tokens } = settings();
    lms = createStudioApi({ http, studioUrl: lmsUrl, tokens, clock, service: 'LMS' });
    return lms;
  };

  return {
    findCourseRun: async (key) => getCourseRun(api(), key),
    listCourseRuns: async (pageSize) => listCourseRuns(api(), pageSize),
    createCourseRun: async (input) => createCourseRun(api(), input, log),
    rerunCourseRun: async (input) => rerunCourseRun(api(), input, log),
    addCourseTeam: async (key, members) => addCourseTeam(api(), key, members),
    setAdvancedSettings: async (key, settings) => setAdvancedSettings(api(), key, settings),
    visibleAdvancedSettings: async (key, names) => Object.keys(await readAdvancedSettings(api(), key, names)).filter((n) => names.includes(n)),
    importCourseTarball: async (key, archive, options) => importCourseTarball({ api: api(), clock, sleep, log }, key, archive, options),
    triggerGitImport: (input) => triggerGitImport({ http, config: deps.config, clock, log }, input),
    checkGitreloadHook: (environment, repo) => checkGitreloadHook({ http, config: deps.config, clock, log }, environment, repo),
    lookupAccounts: async (usernames) => lookupAccounts(lmsApi(), usernames),
  };
}
