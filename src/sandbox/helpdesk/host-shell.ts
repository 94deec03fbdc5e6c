import { html, raw } from 'hono/html';

/** What the browser half of the page needs; no secret is ever in it. */
export interface HostPageConfig {
  basePath: string;
  appUrl: string;
  /** The app's non-secure settings (Zendesk returns only these from `client.metadata()`). */
  settings: Record<string, string>;
  currentUser: { id: number; name: string; email: string };
}

/** The ticket sidebar's iframe, written into the page so the app loads alongside the page's script. */
export interface PrerenderedFrame {
  /** The app's URL with the ZAF query (`origin`, `app_guid`), as the page's script would build it. */
  src: string;
  title: string;
}

/**
 * Keeps every message that arrives before the page's script listens (the app's handshake may
 * come first); zaf-host.ts takes them and stops this listener. It stands before the
 * stylesheet: an inline script after a loading stylesheet would hold the parser, and the iframe.
 */
const EARLY_MESSAGES =
  '(function(){var q=[];function k(e){q.push(e)}addEventListener("message",k);' +
  'window.__helpdeskEarlyMessages={take:function(){removeEventListener("message",k);return q.splice(0)}}})();';

/** JSON inside <script> must not be able to close the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export function hostShell(config: HostPageConfig, built: boolean, frame?: PrerenderedFrame) {
  const body = !built
    ? html`<p>The Zendesk app is not built yet: run <code>npm run app:build</code> and reload.</p>`
    : frame
      ? html`<div id="helpdesk"><main><div class="workspace"><section id="helpdesk-view" class="panel" aria-busy="true"></section><aside class="sidebar" aria-label="Apps"><iframe id="app-frame" class="app-frame app-frame--ticket_sidebar" src="${frame.src}" title="${frame.title}"></iframe></aside></div></main></div><script type="module" src="${config.basePath}/host/host.js"></script>`
      : html`<div id="helpdesk"></div><script type="module" src="${config.basePath}/host/host.js"></script>`;
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Orcoursetrion help desk (sandbox)</title>
    <link rel="icon" type="image/svg+xml" href="${config.basePath}/favicon.svg" />
    ${frame && built ? html`<script>${raw(EARLY_MESSAGES)}</script>` : ''}
    <link rel="stylesheet" href="${config.basePath}/host/host.css" />
  </head>
  <body>
    <script type="application/json" id="helpdesk-config">${raw(scriptJson(config))}</script>
    ${body}
  </body>
</html>`;
}
