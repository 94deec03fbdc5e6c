import type { Config } from '../config';
import { githubSshUrl, githubWebUrl } from '../courses/naming';
import type { EdxEnvironment } from '../courses/edx';

/** The addresses instructions link to, from config. */
export interface EdxSites {
  /** Studio (CMS) base URL, no trailing slash. */
  studio: string;
  /** LMS base URL per environment. */
  lms: Record<EdxEnvironment, string>;
  /** GitHub's web address (e.g. https://github.mit.edu). */
  githubWeb: string;
  /** `git@host:org/name.git` for a repo. */
  sshUrl(repo: string): string;
  /** The `--settings=` value for manage.py. */
  manageSettings: string;
}

/**
 * A setting that is not configured becomes a visible "[ORC_... not set]" in place of the
 * address: not a URL, so it is shown as text rather than linked, and says what to fix.
 */
const base = (value: string | undefined, setting: string) => (value ? value.replace(/\/+$/, '') : `[${setting} not set]`);

export function edxSites(config: Pick<Config, 'ORC_EDX_STUDIO_URL' | 'ORC_EDX_STAGING_URL' | 'ORC_EDX_PRODUCTION_URL' | 'ORC_GH_API_URL' | 'ORC_EDX_MANAGE_SETTINGS'>): EdxSites {
  return {
    studio: base(config.ORC_EDX_STUDIO_URL, 'ORC_EDX_STUDIO_URL'),
    lms: {
      staging: base(config.ORC_EDX_STAGING_URL, 'ORC_EDX_STAGING_URL'),
      production: base(config.ORC_EDX_PRODUCTION_URL, 'ORC_EDX_PRODUCTION_URL'),
    },
    githubWeb: githubWebUrl(config.ORC_GH_API_URL),
    sshUrl: (repo) => githubSshUrl(config.ORC_GH_API_URL, repo),
    manageSettings: config.ORC_EDX_MANAGE_SETTINGS,
  };
}

/** Studio pages of a course run. */
export const studioPage = {
  outline: (s: EdxSites, key: string) => `${s.studio}/course/${key}`,
  advancedSettings: (s: EdxSites, key: string) => `${s.studio}/settings/advanced/${key}`,
  courseTeam: (s: EdxSites, key: string) => `${s.studio}/course_team/${key}`,
  rerun: (s: EdxSites, key: string) => `${s.studio}/course_rerun/${key}`,
  import: (s: EdxSites, key: string) => `${s.studio}/import/${key}`,
  export: (s: EdxSites, key: string) => `${s.studio}/export/${key}`,
  exportGit: (s: EdxSites, key: string) => `${s.studio}/export_git/${key}`,
  home: (s: EdxSites) => `${s.studio}/home`,
};

/** LMS pages (edx-sysadmin is the plugin that provides /sysadmin/). */
export const lmsPage = {
  gitImport: (s: EdxSites, env: EdxEnvironment) => `${s.lms[env]}/sysadmin/gitimport/`,
  gitLogs: (s: EdxSites, env: EdxEnvironment) => `${s.lms[env]}/sysadmin/gitlogs/`,
  courses: (s: EdxSites, env: EdxEnvironment) => `${s.lms[env]}/sysadmin/courses`,
  about: (s: EdxSites, env: EdxEnvironment, key: string) => `${s.lms[env]}/courses/${key}/about`,
  courseware: (s: EdxSites, env: EdxEnvironment, key: string) => `${s.lms[env]}/courses/${key}/course/`,
  membership: (s: EdxSites, env: EdxEnvironment, key: string) => `${s.lms[env]}/courses/${key}/instructor#view-membership`,
};

export const githubPage = {
  repo: (s: EdxSites, repo: string) => `${s.githubWeb}/${repo}`,
  team: (s: EdxSites, org: string, slug: string) => `${s.githubWeb}/orgs/${org}/teams/${slug}`,
  hooks: (s: EdxSites, repo: string) => `${s.githubWeb}/${repo}/settings/hooks`,
  commits: (s: EdxSites, repo: string, branch: string) => `${s.githubWeb}/${repo}/commits/${branch}`,
};
