import { describe, expect, it } from 'vitest';
import { registerDemoCommand } from '../../src/cli/demo';
import { captured } from './io';

describe('orcoursetrion demo', () => {
  it('runs the sandbox story headless and prints its summary', async () => {
    const { io, cli, program, run } = captured({ ORC_GH_OAUTH2_TOKEN: 'ghp_must_not_be_used_0123456789' });
    registerDemoCommand(program, cli);
    expect(await run(['demo', '--json'])).toBe(0);
    const s = JSON.parse(io.out);
    expect(s).toMatchObject({ ok: true, status: 'completed', courseKey: 'course-v1:MITx+8.01r+2027_Spring', repo: 'mitx/content-mit-801r-2027_Spring' });
    expect(s.automaticSteps.map((x: { key: string }) => x.key)).toEqual(['create-repo', 'deploy-team', 'github-team', 'scaffold-course', 'default-branch', 'staging-hook', 'update-ticket']);
    expect(s.manualActions.map((x: { key: string }) => x.key)).toEqual(['staging-import', 'edx-course-team']);
    expect(s.finalCommentLinks).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/mitx\/content-mit-801r-2027_Spring$/), expect.stringContaining('/courses/course-v1:MITx+8.01r+2027_Spring/course/')]);
    expect(s.seconds).toBeGreaterThan(0);
    expect(io.out + io.err).not.toContain('ghp_must_not_be_used');
  }, 30_000);
});
