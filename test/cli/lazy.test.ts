import { readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * What `orcoursetrion --help` (and every command, before its action runs) loads: the entry
 * chunk of dist/cli and the chunks it imports statically, read from the build's metafile
 * (vitest's global setup has just built it). Commands import their work in their action
 * (see src/cli.ts); a static import of something heavy would put it here and slow every start.
 */
interface Meta {
  outputs: Record<string, { entryPoint?: string; imports: { path: string; kind: string; external?: boolean }[]; inputs: Record<string, unknown> }>;
}
const meta = JSON.parse(readFileSync(fileURLToPath(new URL('../../dist/cli/meta.json', import.meta.url)), 'utf8')) as Meta;

function staticInputs(): string[] {
  const entry = Object.keys(meta.outputs).find((k) => meta.outputs[k]!.entryPoint === 'src/cli.ts');
  if (!entry) throw new Error('dist/cli/meta.json has no entry for src/cli.ts');
  const seen = new Set<string>();
  const walk = (out: string) => {
    if (seen.has(out)) return;
    seen.add(out);
    for (const i of meta.outputs[out]!.imports) if (i.kind === 'import-statement' && !i.external && meta.outputs[i.path]) walk(i.path);
  };
  walk(entry);
  return [...seen].flatMap((out) => Object.keys(meta.outputs[out]!.inputs));
}

describe('the CLI entry chunk', () => {
  const inputs = staticInputs();

  it('holds commander and no other dependency', () => {
    const packages = new Set(inputs.filter((f) => f.includes('node_modules/')).map((f) => f.split('node_modules/').at(-1)!.split('/')[0]));
    expect([...packages]).toEqual(['commander']);
  });

  it('holds the commands\' registration, not their work', () => {
    const sources = inputs.filter((f) => f.startsWith('src/'));
    expect(sources).toContain('src/cli/github-actions.ts');
    expect(sources.filter((f) => /-run\.ts$|\/(config|server|context)\.ts$|^src\/(db\/schema|integrations|sandbox|engine|workflows|requests)\//.test(f))).toEqual([]);
  });
});

/**
 * What a GitHub action loads on a real run with a token: the entry's chunks, the action's own,
 * and what its run imports when it runs, except what is loaded only in other cases (the
 * sandbox lookup without credentials, GitHub App auth with App settings, tar-stream at an
 * archive read, which no action makes). Compiling what is
 * loaded is most of an action's wall time, so this lists everything allowed.
 */
function actionChunks(): string[] {
  const entry = Object.keys(meta.outputs).find((k) => meta.outputs[k]!.entryPoint === 'src/cli.ts')!;
  const action = Object.keys(meta.outputs).find((k) => 'src/cli/github-action-run.ts' in meta.outputs[k]!.inputs);
  if (!action) throw new Error('dist/cli/meta.json has no chunk with src/cli/github-action-run.ts');
  const onlyIfNeeded = /^src\/cli\/context\.ts$|node_modules\/(@octokit\/auth-app|tar-stream)\//;
  const seen = new Set<string>();
  const walk = (out: string, dynamic: boolean) => {
    if (seen.has(out)) return;
    seen.add(out);
    for (const i of meta.outputs[out]!.imports) {
      const target = meta.outputs[i.path];
      if (!target) continue;
      if (i.kind === 'import-statement') walk(i.path, dynamic);
      else if (dynamic && i.kind === 'dynamic-import' && !onlyIfNeeded.test(target.entryPoint ?? '')) walk(i.path, dynamic);
    }
  };
  // The entry's own dynamic imports are the other commands: not followed.
  walk(entry, false);
  walk(action, true);
  return [...seen];
}

describe('a GitHub action with a token', () => {
  const chunks = actionChunks();
  const inputs = chunks.flatMap((out) => Object.keys(meta.outputs[out]!.inputs));

  it('loads Octokit core with its paginate plugin and commander, and no other dependency', () => {
    const packages = new Set(inputs.filter((f) => f.includes('node_modules/')).map((f) => f.split('node_modules/').at(-1)!.split('/').slice(0, f.split('node_modules/').at(-1)!.startsWith('@') ? 2 : 1).join('/')));
    const octokitCore = ['@octokit/core', '@octokit/request', '@octokit/endpoint', '@octokit/request-error', '@octokit/graphql', '@octokit/auth-token', 'before-after-hook', 'universal-user-agent', 'content-type', 'json-with-bigint'];
    const allowed = new Set(['commander', ...octokitCore, '@octokit/plugin-paginate-rest']);
    expect([...packages].filter((p) => !allowed.has(p))).toEqual([]);
    // The full octokit package (REST method table, App, OAuth, webhooks), the ORM, zod (the GitHub
    // settings are checked by hand) and tar-stream (loaded at the adapter's first archive read) in particular.
    for (const heavy of ['octokit', '@octokit/plugin-rest-endpoint-methods', '@octokit/auth-app', '@octokit/webhooks', 'drizzle-orm', 'zod', 'tar-stream']) expect(packages).not.toContain(heavy);
  });

  it('loads no Bottleneck: one request at a time needs no throttling; the retry policy is our request hook', () => {
    const packages = inputs.filter((f) => /node_modules\/(bottleneck|@octokit\/plugin-(retry|throttling)|p-limit)\//.test(f));
    expect(packages).toEqual([]);
    const sources = inputs.filter((f) => f.startsWith('src/integrations/github/'));
    expect(sources).toEqual(expect.arrayContaining(['src/integrations/github/sequential-client.ts', 'src/integrations/github/sequential-retry.ts', 'src/integrations/github/retry-policy.ts']));
    // The service's assembly (plugins, pacer) is not on the action's path.
    expect(sources.filter((f) => /\/(octokit|pacer|client)\.ts$/.test(f))).toEqual([]);
  });

  it('loads no database, sandbox, engine, Zendesk or edX code, and its requests go over node:http', () => {
    const sources = inputs.filter((f) => f.startsWith('src/'));
    expect(sources).toEqual(expect.arrayContaining(['src/cli/github-action-run.ts', 'src/integrations/github/sequential-client.ts', 'src/node-fetch.ts']));
    expect(sources.filter((f) => /^src\/(db\/(schema|sqlite)|sandbox|engine|workflows|simulators|integrations\/(zendesk|edx))|^src\/cli\/context\.ts$|^src\/config\.ts$/.test(f))).toEqual([]);
    // better-sqlite3 stays outside the bundle: a static import of it would load the native addon.
    const externals = chunks.flatMap((out) => meta.outputs[out]!.imports.filter((i) => i.external && i.kind === 'import-statement').map((i) => i.path));
    expect(externals).not.toContain('better-sqlite3');
  });
});

/**
 * bin runs an action's command line on dist/cli/actions.cjs, one CommonJS file built from
 * src/cli-actions.ts: what it holds is compiled at every action's start.
 */
describe('the actions\' own build', () => {
  const actionsMeta = JSON.parse(readFileSync(fileURLToPath(new URL('../../dist/cli/actions-meta.json', import.meta.url)), 'utf8')) as Meta;
  const [file, output] = Object.entries(actionsMeta.outputs).find(([name]) => name.endsWith('actions.cjs'))!;
  const inputs = Object.keys(output.inputs);

  it('holds the actions and their GitHub client, and none of the other commands or the service', () => {
    expect(file).toMatch(/actions\.cjs$/);
    expect(inputs).toEqual(expect.arrayContaining(['src/cli-actions.ts', 'src/cli/github-action-run.ts', 'src/integrations/github/sequential-client.ts', 'src/node-fetch.ts']));
    expect(inputs.filter((f) => /^src\/(cli\.ts|config\.ts|server|services|db|sandbox|engine|workflows|simulators|integrations\/(zendesk|edx))|^src\/cli\/(context|serve|request|plan|rollover|demo|check|doctor)/.test(f))).toEqual([]);
    expect(inputs.filter((f) => /node_modules\/(zod|drizzle-orm|better-sqlite3|bottleneck|@octokit\/plugin-(retry|throttling)|hono|prom-client)\//.test(f))).toEqual([]);
  });

  it('loads at run time only the ES module build\'s sandbox lookup (made without credentials), through import-esm.cjs, and makes no import() of its own', () => {
    // bin runs actions.cjs from V8's code cache (bin/code-cache.js), where an import() has no loader.
    const external = output.imports.filter((i) => i.external && !isBuiltin(i.path));
    expect(external).toEqual([{ path: './import-esm.cjs', kind: 'require-call', external: true }]);
    const context = Object.keys(meta.outputs).find((k) => meta.outputs[k]!.entryPoint === 'src/cli/context.ts')!;
    const code = readFileSync(fileURLToPath(new URL('../../dist/cli/actions.cjs', import.meta.url)), 'utf8');
    expect(code).toContain(JSON.stringify(context.split('/').at(-1)));
    expect(code).not.toMatch(/\bimport\(/);
  });
});

describe('serve', () => {
  it('loads prom-client only when /metrics exists (ORC_METRICS_TOKEN set)', () => {
    const server = Object.keys(meta.outputs).find((k) => 'src/server.ts' in meta.outputs[k]!.inputs);
    if (!server) throw new Error('dist/cli/meta.json has no chunk with src/server.ts');
    const seen = new Set<string>();
    const walk = (out: string) => {
      if (seen.has(out)) return;
      seen.add(out);
      for (const i of meta.outputs[out]!.imports) if (i.kind === 'import-statement' && meta.outputs[i.path]) walk(i.path);
    };
    walk(server);
    const inputs = [...seen].flatMap((out) => Object.keys(meta.outputs[out]!.inputs));
    expect(inputs).toContain('src/server.ts');
    expect(inputs.filter((f) => /node_modules\/(prom-client|@opentelemetry)\/|^src\/metrics\/prometheus\.ts$/.test(f))).toEqual([]);
  });
});
