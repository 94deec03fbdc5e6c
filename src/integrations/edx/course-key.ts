import { parseCourseKey } from '../../courses/naming';
import { EdxPermanentError } from './errors';

/**
 * Checks a course key before it goes into a Studio URL path (where it is used raw), so a
 * value from a ticket can never add path segments or a query.
 */
export function requireCourseKey(key: string): { org: string; number: string; run: string } {
  const parts = parseCourseKey(key);
  if (!parts) throw new EdxPermanentError(`"${key}" is not a course key of the form course-v1:ORG+NUMBER+RUN`);
  return parts;
}
