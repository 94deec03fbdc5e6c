/** Apart from `schema`, so the command line lists the request types without loading the ORM. */
export const REQUEST_TYPES = ['new', 'publish', 'rerun', 'team'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];
