/** Apart from `schema`, so the command line and the settings (approval rules) name these without loading the ORM. */
export const REQUEST_TYPES = ['new', 'publish', 'rerun', 'team'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];
export const COURSE_KINDS = ['xml', 'studio'] as const;
export type CourseKind = (typeof COURSE_KINDS)[number];
