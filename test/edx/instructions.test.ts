import { describe, expect, it } from 'vitest';
import { EDX_OPERATIONS, parseConfig, type EdxOperation } from '../../src/config';
import { courseKey } from '../../src/courses/naming';
import type { Instructions } from '../../src/engine/types';
import { isEdxApiEnabled } from '../../src/integrations/edx/enabled';
import { courseTeamInstructions } from '../../src/instructions/course-team';
import { createCourseInstructions } from '../../src/instructions/create-course';
import { deleteCourseInstructions } from '../../src/instructions/delete-course';
import { exportToGitInstructions } from '../../src/instructions/export-to-git';
import { gitImportInstructions } from '../../src/instructions/git-import';
import { importTarballInstructions } from '../../src/instructions/import-tarball';
import { renderInstructions, shellQuote } from '../../src/instructions/render';
import { removeCourseTeamInstructions } from '../../src/instructions/remove-course-team';
import { rerunInstructions } from '../../src/instructions/rerun';
import { setGitUrlInstructions } from '../../src/instructions/set-giturl';
import { edxSites } from '../../src/instructions/sites';
import { edxEnv } from './harness';

const sites = edxSites(parseConfig({ ...edxEnv, ORC_EDX_STUDIO_URL: 'https://studio.mitx.example.edu', ORC_EDX_STAGING_URL: 'https://staging.mitx.example.edu', ORC_EDX_PRODUCTION_URL: 'https://lms.mitx.example.edu', ORC_GH_API_URL: 'https://github.mit.example.edu/api/v3/' }));
const KEY = courseKey('MITx', '8.01r', '2027_Spring');
const NEXT = courseKey('MITx', '8.01r', '2027_Fall');
const REPO = 'mitx/content-mit-801r-2027_Spring';

/** Every template, fed the same values; `v` replaces whatever a ticket could influence. */
function everyTemplate(v: string): Record<string, Instructions> {
  return {
    gitImport: gitImportInstructions({ sites, environment: 'staging', courseKey: v, repo: `mitx/${v}`, branch: v }),
    deleteCourse: deleteCourseInstructions({ sites, environment: 'production', courseKey: v, repo: `mitx/${v}` }),
    exportToGit: exportToGitInstructions({ sites, courseKey: v, repo: `mitx/${v}`, branch: v }),
    createCourse: createCourseInstructions({ sites, courseKey: KEY, title: v }),
    setGitUrl: setGitUrlInstructions({ sites, courseKey: v, repo: `mitx/${v}` }),
    courseTeam: courseTeamInstructions({ sites, courseKey: v, environment: 'staging', members: [{ user: v, role: 'instructor' }, { user: `${v}2`, role: 'staff' }] }),
    // What the LMS answers is outside data too.
    courseTeamEmails: courseTeamInstructions({ sites, courseKey: KEY, environment: 'staging', members: [{ user: v, role: 'staff' }], accounts: { found: { [v]: { username: v, email: v, isActive: true } } } }),
    courseTeamLookupFailed: courseTeamInstructions({ sites, courseKey: KEY, environment: 'staging', members: [{ user: 'ada', role: 'staff' }], accounts: { failed: v } }),
    removeCourseTeam: removeCourseTeamInstructions({ sites, courseKey: v, users: [v, `${v}2`] }),
    rerun: rerunInstructions({ sites, sourceKey: v, newKey: NEXT, title: v }),
    importTarball: importTarballInstructions({ sites, courseKey: v, filename: v, downloadUrl: `javascript:alert(${v})` }),
  };
}

const ALLOWED_TAG = /<\/?(p|strong|ol|ul|li|pre|code)>|<a href="https?:\/\/[^"<>]*">|<\/a>/g;

describe('instruction templates with hostile input', () => {
  const hostile = [`<script>alert("x")</script>`, `"'><img src=x onerror=alert(1)>&amp;`, `${'long-value-'.repeat(2000)}<b>end</b>`];

  for (const value of hostile) {
    for (const [name, out] of Object.entries(everyTemplate(value))) {
      it(`${name} escapes ${value.slice(0, 20)}…`, () => {
        // Nothing but our own markup survives, and every link is http(s).
        expect(out.html.replace(ALLOWED_TAG, '')).not.toMatch(/[<>]/);
        expect(out.html).not.toMatch(/href="(?!https?:)/);
        expect(out.html).not.toContain('javascript:alert(<');
        expect(out.html).toContain(value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;'));
        // The sidebar shows text as text: the value is there as typed.
        expect(out.text).toContain(value);
      });
    }
  }

  it('quotes values for the shell', () => {
    expect(shellQuote("x'; rm -rf / #")).toBe(`'x'\\''; rm -rf / #'`);
    expect(shellQuote('course-v1:MITx+8.01r+2027_Spring')).toBe('course-v1:MITx+8.01r+2027_Spring');
    const out = gitImportInstructions({ sites, environment: 'staging', courseKey: KEY, repo: REPO, branch: 'x; reboot' });
    expect(out.text).toContain(`--repository_branch 'x; reboot'`);
  });

  it('renders an address that is not configured as text, not as a link', () => {
    const bare = edxSites(parseConfig({ ORC_SANDBOX: '1' }));
    const out = setGitUrlInstructions({ sites: bare, courseKey: KEY, repo: REPO });
    expect(out.text).toContain(`[ORC_EDX_STUDIO_URL not set]/settings/advanced/${KEY}`);
    expect(out.html).not.toContain('<a href="[ORC');
  });
});

describe('instruction content', () => {
  it('delete course is destructive, says so in bold, and asks for a confirmation note', () => {
    const out = deleteCourseInstructions({ sites, environment: 'production', courseKey: KEY, repo: REPO });
    expect(out.destructive).toBe(true);
    expect(out.html).toMatch(/^<p><strong>Delete .*<\/strong><\/p>\n<p><strong>Warning: This permanently deletes/);
    expect(out.text).toContain(`./manage.py cms delete_course ${KEY} --settings=production`);
    expect(out.text).toContain('confirmation note');
    expect(gitImportInstructions({ sites, environment: 'staging', courseKey: KEY, repo: REPO, branch: 'master' }).destructive).toBeUndefined();
  });

  it('removing course team members is destructive, names each one, and links Studio and both LMS staff lists', () => {
    const doc = removeCourseTeamInstructions({ sites, courseKey: KEY, users: ['alan', 'grace'] });
    expect(doc.destructive).toBe(true);
    expect(doc.text).toContain('Remove alan, grace from the course team of');
    expect(doc.text).toContain(`https://studio.mitx.example.edu/course_team/${KEY}`);
    expect(doc.text).toContain(`https://staging.mitx.example.edu/courses/${KEY}/instructor#view-membership`);
    expect(doc.text).toContain(`https://lms.mitx.example.edu/courses/${KEY}/instructor#view-membership`);
    expect(doc.html).toMatch(/<strong>Warning: This takes alan, grace off the course team/);
  });

  it('links the real Studio, LMS and GitHub pages', () => {
    const all = Object.values({
      ...everyTemplate(KEY),
      rerun: rerunInstructions({ sites, sourceKey: KEY, newKey: NEXT, title: 'Mechanics' }),
    })
      .map((o) => o.html)
      .join('\n');
    for (const url of [
      `https://studio.mitx.example.edu/course/${KEY}`,
      `https://studio.mitx.example.edu/settings/advanced/${KEY}`,
      `https://studio.mitx.example.edu/course_team/${KEY}`,
      `https://studio.mitx.example.edu/course_rerun/${KEY}`,
      `https://studio.mitx.example.edu/import/${KEY}`,
      `https://studio.mitx.example.edu/export/${KEY}`,
      'https://staging.mitx.example.edu/sysadmin/gitimport/',
      'https://lms.mitx.example.edu/sysadmin/courses',
      `https://github.mit.example.edu/mitx/${KEY}`,
    ]) {
      expect(all).toContain(`href="${url}"`);
    }
  });

  it('a full git import note reads well (reviewed snapshot)', async () => {
    const out = gitImportInstructions({ sites, environment: 'staging', courseKey: KEY, repo: REPO, branch: 'master' });
    await expect(out.html).toMatchFileSnapshot('__snapshots__/git-import.html');
    await expect(out.text).toMatchFileSnapshot('__snapshots__/git-import.txt');
  });

  it('a full delete note reads well (reviewed snapshot)', async () => {
    const out = deleteCourseInstructions({ sites, environment: 'production', courseKey: KEY, repo: REPO });
    await expect(out.text).toMatchFileSnapshot('__snapshots__/delete-course.txt');
  });
});

describe('operations without their API become manual steps with instructions', () => {
  const config = parseConfig({ ...edxEnv, ORC_EDX_API: 'course_runs,import' });
  const manualTemplate: Record<EdxOperation, () => Instructions> = {
    course_runs: () => createCourseInstructions({ sites, courseKey: KEY, title: 'Mechanics' }),
    rerun: () => rerunInstructions({ sites, sourceKey: KEY, newKey: NEXT, title: 'Mechanics' }),
    course_team: () => courseTeamInstructions({ sites, courseKey: KEY, environment: 'staging', members: [{ user: 'prof-x', role: 'instructor' }] }),
    advanced_settings: () => setGitUrlInstructions({ sites, courseKey: KEY, repo: REPO }),
    import: () => importTarballInstructions({ sites, courseKey: KEY, filename: '8.01r-2027_Spring.tar.gz' }),
    git_import: () => gitImportInstructions({ sites, environment: 'staging', courseKey: KEY, repo: REPO, branch: 'master' }),
  };

  it('only the operations named in ORC_EDX_API are automatic', () => {
    expect(EDX_OPERATIONS.filter((op) => isEdxApiEnabled(config, op))).toEqual(['course_runs', 'import']);
    expect(EDX_OPERATIONS.filter((op) => isEdxApiEnabled(parseConfig({ ORC_SANDBOX: '1' }), op))).toEqual([]);
    expect(EDX_OPERATIONS.every((op) => isEdxApiEnabled(parseConfig({ ORC_SANDBOX: '1', ORC_EDX_API: 'all' }), op))).toBe(true);
  });

  for (const op of EDX_OPERATIONS) {
    it(`${op}: a manual step gets numbered steps naming the run and how to mark it done`, () => {
      const out = manualTemplate[op]();
      expect(out.text).toMatch(/^1\. /m);
      expect(out.text).toContain(KEY);
      expect(out.text).toContain('Mark done');
      expect(out.html).toContain('<ol><li>');
    });
  }
});

describe('renderer', () => {
  it('puts commands under their step in both forms', () => {
    const out = renderInstructions({ title: 'T', steps: [{ text: ['Run:'], command: 'echo "<x>"' }], checks: [] });
    expect(out.text).toContain('1. Run:\n\n       echo "<x>"');
    expect(out.html).toContain('<li>Run:<pre><code>echo &quot;&lt;x&gt;&quot;</code></pre></li>');
  });
});

describe('course team instructions without the edX API', () => {
  it('say plainly which facts the agent must look up: each listed person\'s email', () => {
    const out = courseTeamInstructions({ sites, courseKey: 'course-v1:MITx+8.01r+2027_Spring', environment: 'staging', members: [{ user: 'ada', role: 'staff' }, { user: 'grace', role: 'staff' }] });
    expect(out.text).toContain('To look up first: the email address of each of ada, grace.');
    expect(out.text).toContain('Orcoursetrion cannot look emails up for you');
  });
});

describe('course team instructions with the edX API', () => {
  const members = [{ user: 'ada', role: 'instructor' as const }, { user: 'barbara', role: 'staff' as const }, { user: 'grace', role: 'staff' as const }];
  const base = { sites, courseKey: KEY, environment: 'staging' as const, members };

  it('give each person\'s email as the LMS had it, and what to do about anyone without an active account', () => {
    const out = courseTeamInstructions({
      ...base,
      accounts: { found: { ada: { username: 'Ada', email: 'ada@mit.test', isActive: true }, grace: { username: 'grace', email: 'grace@navy.test', isActive: false } } },
    });
    expect(out.text).not.toContain('To look up first');
    expect(out.text).toContain('enter ada@mit.test (Ada), click Add User and then Add Admin Access next to them, so they are Admin.');
    expect(out.text).toContain('barbara has no account on the LMS: ask them to register at https://staging.mitx.example.edu with that username');
    expect(out.text).toContain('enter grace@navy.test (grace), click Add User, so they are Staff. They have not activated their account yet');
  });

  it('before the step starts (a plan preview), say the emails will be looked up; after a refused lookup, what to look up and why', () => {
    expect(courseTeamInstructions({ ...base, accounts: 'pending' }).text).toContain('Orcoursetrion looks up the email of each of ada, barbara, grace on the LMS when this step starts');
    const failed = courseTeamInstructions({ ...base, accounts: { failed: 'the LMS hid their email' } }).text;
    expect(failed).toContain('To look up first: the email address of each of ada, barbara, grace. Orcoursetrion could not look them up on the LMS (the LMS hid their email)');
    expect(failed).toContain('enter the email of ada');
  });
});
