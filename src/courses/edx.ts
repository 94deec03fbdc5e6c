/**
 * Words of the edX side of a course that the workflows, the instructions and the edX adapter
 * share; they belong to the course, not to the adapter that happens to send them.
 */

/** The LMS a course is imported into: staging first, production when published. */
export type EdxEnvironment = 'staging' | 'production';

/** Course team roles: only those the course_runs serializer is known to accept, Studio's "Admin" (instructor) and "Staff". */
export type TeamRole = 'instructor' | 'staff';
