import type { Context } from 'hono';
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/**
 * The frame of the simulators' read-only web views (the pages the service links to in
 * instructions and replies). `html` escapes every interpolated value: the views show
 * requester-controlled text (titles, descriptions, usernames).
 */

type Body = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1b1f24}
header{background:#24292f;color:#fff;padding:.6rem 1.2rem}header .tag{margin-left:.6rem;font-size:.8rem;opacity:.75}
main{max-width:60rem;margin:1.2rem auto;padding:0 1.2rem}table{border-collapse:collapse}td,th{border-bottom:1px solid #d0d7de;padding:.3rem .8rem .3rem 0;text-align:left;vertical-align:top}
code{font-size:.9em}.muted{color:#57606a}`;

/**
 * The tab's icon, inline: without one a browser asks the simulator for /favicon.ico, which the
 * simulated sites answer 404 (a console error on every page a newcomer opens).
 */
const ICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#24292f"/></svg>')}`;

/** A complete page: `system` names the simulated system ("GitHub", "Studio", "LMS (staging)"). */
export function webPage(c: Context, system: string, title: string, body: Body, status: 200 | 404 = 200) {
  return c.html(
    html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title} · ${system}</title>
    <link rel="icon" href="${ICON}" />
    <style>
      ${raw(STYLE)}
    </style>
  </head>
  <body>
    <header><strong>${system}</strong><span class="tag">simulated, read-only</span></header>
    <main>
      <h1>${title}</h1>
      ${body}
    </main>
  </body>
</html>`,
    status,
  );
}

/** The answer for a web address naming nothing: 404 with an HTML page, as the real sites answer. */
export function notFoundPage(c: Context, system: string, what = 'This page does not exist.') {
  return webPage(c, system, 'Page not found', html`<p>${what}</p>`, 404);
}
