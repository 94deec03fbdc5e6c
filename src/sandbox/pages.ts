import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { Logger } from '../log';
import { type CourseStaffDeps, courseStaffRoutes } from './course-staff/routes';
import { mountHelpdesk } from './helpdesk/routes';
import type { HelpdeskTicketStore } from './helpdesk/ticket-store';

const APP_DIST = fileURLToPath(new URL('../../zendesk-app/dist', import.meta.url));

/**
 * The sandbox's pages: the local help desk hosting the real sidebar app, with `/` leading to it.
 * The app is built by `npm install` (prepare) or `npm run app:build`; without a build the page
 * says how to make one instead of failing.
 */
export function mountSandboxPages(app: Hono, deps: { sharedSecret: string; tickets: HelpdeskTicketStore; clock: () => number; log: Logger; courseStaff: CourseStaffDeps }): void {
  app.get('/', (c) => c.redirect('/helpdesk'));
  app.route('/helpdesk/course-staff', courseStaffRoutes(deps.courseStaff));
  if (!existsSync(`${APP_DIST}/assets/iframe.html`)) {
    deps.log.warn('the sidebar app is not built; run `npm run app:build` for the help-desk page');
    app.get('/helpdesk', (c) => c.text('The sidebar app is not built yet: run `npm run app:build`, then reload.', 503));
    return;
  }
  mountHelpdesk(app, { sharedSecret: deps.sharedSecret, tickets: deps.tickets, clock: deps.clock, appDist: APP_DIST });
}
