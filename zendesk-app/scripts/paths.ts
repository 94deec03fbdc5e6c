import { fileURLToPath } from 'node:url';

/** Where the app's parts live, for the build, the package and the help-desk page. */
export const APP_DIR = fileURLToPath(new URL('..', import.meta.url));
export const DIST_DIR = fileURLToPath(new URL('../dist', import.meta.url));
export const HELPDESK_PAGE_DIR = fileURLToPath(new URL('../../src/sandbox/helpdesk/page', import.meta.url));
/** The service's form catalogue (request-fields.ts, naming.ts), bundled into the app and the page. */
export const SHARED_COURSES_DIR = fileURLToPath(new URL('../../src/courses', import.meta.url));
/** The built help-desk page script (not part of the Zendesk package). */
export const HELPDESK_DIST_DIR = fileURLToPath(new URL('../dist/helpdesk', import.meta.url));
/** Files and folders that go into the uploadable zip. */
export const PACKAGE_ENTRIES = ['manifest.json', 'translations', 'assets'] as const;
