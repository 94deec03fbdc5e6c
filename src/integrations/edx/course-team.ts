import type { TeamRole } from '../../courses/edx';
import { requireCourseKey } from '../../courses/naming';
import { courseRunSchema } from './schemas';
import { EdxPermanentError } from './errors';
import type { StudioApi } from './studio-api';

export interface TeamChange {
  /** Roles that were missing and have now been granted. */
  added: { user: string; role: TeamRole }[];
}

/**
 * Grants roles on a run, never removing any: `PATCH /api/v1/course_runs/{key}/` with only the
 * missing entries. Never PUT: a non-partial update deletes every existing role first.
 * Usernames compare case-insensitively, as Django's default auth backend does.
 */
export async function addCourseTeam(api: StudioApi, key: string, members: { user: string; role: TeamRole }[]): Promise<TeamChange> {
  requireCourseKey(key);
  const path = `/api/v1/course_runs/${key}/`;
  const has = (team: readonly { user: string; role: string }[], m: { user: string; role: string }) =>
    team.some((t) => t.user.toLowerCase() === m.user.toLowerCase() && t.role === m.role);

  const current = await api.call(courseRunSchema, { method: 'GET', path, what: `read the team of ${key}` });
  const missing: { user: string; role: TeamRole }[] = [];
  for (const m of members) if (!has(current.team, m) && !has(missing, m)) missing.push(m);
  if (missing.length === 0) return { added: [] };

  const updated = await api.call(courseRunSchema, { method: 'PATCH', path, data: { team: missing }, what: `add ${missing.map((m) => `${m.user} (${m.role})`).join(', ')} to the team of ${key}` });
  const absent = missing.filter((m) => !has(updated.team, m));
  if (absent.length > 0) {
    throw new EdxPermanentError(`add to the team of ${key}: Studio accepted the change but ${absent.map((m) => m.user).join(', ')} are still not on the team`);
  }
  return { added: missing };
}
