import { html, raw } from 'hono/html';

/** What the browser half of the page needs; no secret is ever in it. */
export interface HostPageConfig {
  basePath: string;
  appUrl: string;
  /** The app's non-secure settings (Zendesk returns only these from `client.metadata()`). */
  settings: Record<string, string>;
  currentUser: { id: number; name: string; email: string };
}

/** JSON inside <script> must not be able to close the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export function hostShell(config: HostPageConfig, built: boolean) {
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Orcoursetrion help desk (sandbox)</title>
    <link rel="stylesheet" href="${config.basePath}/host/host.css" />
  </head>
  <body>
    <script type="application/json" id="helpdesk-config">${raw(scriptJson(config))}</script>
    ${built
      ? html`<div id="helpdesk"></div><script type="module" src="${config.basePath}/host/host.js"></script>`
      : html`<p>The Zendesk app is not built yet: run <code>npm run app:build</code> and reload.</p>`}
  </body>
</html>`;
}
