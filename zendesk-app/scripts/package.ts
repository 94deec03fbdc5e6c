import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { zipSync } from 'fflate';
import { z } from 'zod';
import { DIST_DIR, PACKAGE_ENTRIES } from './paths';

/**
 * `npm run app:package`: checks the built app the way Zendesk's validator would (zcli's
 * validate needs an account) and zips manifest.json, translations/ and assets/ for upload.
 * ORC_PUBLIC_URL is required: its host becomes the whole domainWhitelist (Zendesk only
 * substitutes secure settings into requests to whitelisted hosts), so no package carries a
 * placeholder domain.
 */

/** zendesk_apps_support lib/zendesk_apps_support/validations/manifest.rb SECURE_PARAM_SCOPES */
const SECURE_SCOPES = ['header', 'body', 'url', 'jwt_secret_key', 'jwt_claim', 'basic_auth_username', 'basic_auth_password'] as const;

const LOCATIONS = ['ticket_sidebar', 'new_ticket_sidebar', 'nav_bar', 'organization_sidebar', 'user_sidebar', 'top_bar', 'background', 'modal'] as const;

const manifestSchema = z.object({
  name: z.string().min(1),
  author: z.object({ name: z.string().min(1), email: z.string().email(), url: z.string().url().optional() }),
  defaultLocale: z.string().min(2),
  private: z.boolean(),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, { message: 'must be MAJOR.MINOR.PATCH' }),
  frameworkVersion: z.literal('2.0'),
  location: z.object({ support: z.partialRecord(z.enum(LOCATIONS), z.object({ url: z.string().min(1), flexible: z.boolean().optional() })) }),
  domainWhitelist: z.array(z.string().regex(/^[a-z0-9.-]+(:\d+)?$/i, { message: 'must be a host name, without scheme or path' })).min(1),
  parameters: z.array(
    z.object({
      name: z.string().regex(/^[a-z_][a-z0-9_]*$/),
      // zendesk_apps_support lib/zendesk_apps_support/manifest/parameter.rb TYPES (mtls only for apps Zendesk enables it for); no `type` means text.
      type: z.enum(['text', 'checkbox', 'url', 'number', 'multiline', 'hidden', 'oauth'], { message: 'must be one of Zendesk\'s parameter types: text, checkbox, url, number, multiline, hidden, oauth' }).optional(),
      secure: z.boolean().optional(),
      required: z.boolean().optional(),
      scopes: z.array(z.enum(SECURE_SCOPES, { message: `must be among ${SECURE_SCOPES.join(', ')}` })).min(1, { message: 'cannot be empty' }).optional(),
      default: z.unknown().optional(),
    }),
  ),
});

/**
 * Rules of zendesk_apps_support's manifest and secure-settings validations that a schema of
 * one parameter cannot say. Zendesk only warns about an unscoped secure parameter; here it is
 * an error, because without scopes the secret can be substituted anywhere in a request
 * (URL, body, headers) where the browser side could read it back.
 */
function parameterProblems(parameters: z.infer<typeof manifestSchema>['parameters']): string[] {
  const problems: string[] = [];
  for (const p of parameters) {
    const at = `manifest.json parameters[name="${p.name}"]`;
    // zendesk_apps_support validations/manifest.rb name_as_parameter_name_error
    if (p.name === 'name') problems.push(`${at}: "name" is reserved by Zendesk; rename the parameter`);
    // zendesk_apps_support validations/manifest.rb invalid_secure_param_scopes_errors: scopes need secure
    if (p.scopes && !p.secure) problems.push(`${at}.scopes: only a secure parameter takes scopes; add "secure": true or remove scopes`);
    // zendesk_apps_support validations/secure_settings.rb name_if_secure_unscoped
    if (p.secure && !p.scopes) problems.push(`${at}.scopes: a secure parameter needs scopes (where Zendesk may substitute it), e.g. ["jwt_secret_key"]`);
    // zendesk_apps_support validations/secure_settings.rb secure_or_hidden_default_param?: defaults are stored in the clear
    if (p.default !== undefined && (p.secure || p.type === 'hidden')) problems.push(`${at}.default: a secure or hidden parameter must not have a default (it is not stored securely)`);
    // zendesk_apps_support validations/manifest.rb invalid_hidden_parameter_error
    if (p.type === 'hidden' && p.required) problems.push(`${at}: a hidden parameter cannot be required`);
    // zendesk_apps_support validations/manifest.rb oauth_cannot_be_secure
    if (p.type === 'oauth' && p.secure) problems.push(`${at}: an oauth parameter cannot be secure`);
  }
  return problems;
}

/** `parameters[name="x"].type` rather than `parameters.2.type`: an operator edits by name. */
function issuePath(manifestJson: unknown, path: PropertyKey[]): string {
  const [head, index, ...rest] = path;
  const parameters = typeof manifestJson === 'object' && manifestJson !== null && 'parameters' in manifestJson ? manifestJson.parameters : undefined;
  const entry = head === 'parameters' && typeof index === 'number' && Array.isArray(parameters) ? (parameters[index] as unknown) : undefined;
  const name = typeof entry === 'object' && entry !== null && 'name' in entry && typeof entry.name === 'string' ? entry.name : undefined;
  if (name === undefined) return path.map(String).join('.');
  return [`parameters[name="${name}"]`, ...rest.map(String)].join('.');
}

/** Hosts reserved for documentation and tests (RFC 2606, RFC 6761): never a real service. */
const PLACEHOLDER_HOST = /(^|\.)(example\.(com|net|org|edu)|example|invalid|test|localhost)$/i;

/**
 * The domainWhitelist a package gets: the host of ORC_PUBLIC_URL, or an error an operator
 * can act on. The proxy sends the shared secret's token only to these hosts.
 */
export function whitelistFor(publicUrl: string | undefined): string[] {
  if (!publicUrl) {
    throw new Error('ORC_PUBLIC_URL is not set: the package needs the service\'s public address for its domainWhitelist (Zendesk sends the secure shared secret only to those hosts). Run e.g. ORC_PUBLIC_URL=https://orcoursetrion.your-school.edu npm run app:package');
  }
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch {
    throw new Error(`ORC_PUBLIC_URL "${publicUrl}" is not a URL: give the service's public address, e.g. https://orcoursetrion.your-school.edu`);
  }
  if (url.protocol !== 'https:') throw new Error(`ORC_PUBLIC_URL "${publicUrl}" must use https: Zendesk's proxy calls the service from the internet`);
  if (PLACEHOLDER_HOST.test(url.hostname)) throw new Error(`ORC_PUBLIC_URL "${publicUrl}" names a placeholder host (${url.hostname}): give the host the service really runs on`);
  return [url.host];
}

const translationsSchema = z.object({
  app: z.object({
    name: z.string().min(1),
    short_description: z.string().min(1),
    long_description: z.string().min(1),
    installation_instructions: z.string().min(1),
    parameters: z.record(z.string(), z.object({ label: z.string().min(1), helpText: z.string().optional() })),
  }),
});

function pngSize(png: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  if (png.length < 24 || view.getUint32(0) !== 0x89504e47) return undefined;
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)])));
  return nested.flat();
}

/**
 * Every problem with the built app, one line each; empty when it is ready to upload. The
 * manifest is the one that goes into the package (with its domainWhitelist filled in).
 */
export async function validateApp(dir: string, manifestJson: unknown): Promise<string[]> {
  const problems: string[] = [];
  const manifest = manifestSchema.safeParse(manifestJson);
  if (!manifest.success) return manifest.error.issues.map((i) => `manifest.json ${issuePath(manifestJson, i.path)}: ${i.message}`);
  const m = manifest.data;
  problems.push(...parameterProblems(m.parameters));
  for (const host of m.domainWhitelist) if (PLACEHOLDER_HOST.test(host.replace(/:\d+$/, ''))) problems.push(`manifest.json domainWhitelist: ${host} is a placeholder host`);
  for (const [where, loc] of Object.entries(m.location.support)) {
    if (!(await readFile(join(dir, loc.url)).catch(() => undefined))) problems.push(`manifest.json location ${where}: ${loc.url} is not in the package`);
  }
  const names = m.parameters.map((p) => p.name);
  if (new Set(names).size !== names.length) problems.push('manifest.json parameters: names must be unique');
  const translations = translationsSchema.safeParse(JSON.parse(await readFile(join(dir, 'translations', `${m.defaultLocale}.json`), 'utf8').catch(() => '{}')));
  if (!translations.success) problems.push(...translations.error.issues.map((i) => `translations/${m.defaultLocale}.json ${i.path.join('.')}: ${i.message}`));
  else for (const n of names) if (!translations.data.app.parameters[n]) problems.push(`translations/${m.defaultLocale}.json: app.parameters.${n}.label is missing`);
  for (const [file, size] of [['logo.png', 320], ['logo-small.png', 128]] as const) {
    const png = await readFile(join(dir, 'assets', file)).catch(() => undefined);
    const dims = png && pngSize(png);
    if (!dims || dims.width !== size || dims.height !== size) problems.push(`assets/${file}: must be a ${size}x${size} PNG`);
  }
  if (!(await readdir(join(dir, 'assets'))).some((f) => /^screenshot-\d+\.png$/.test(f))) problems.push('assets/: needs at least one screenshot-N.png for the listing');
  return problems;
}

export async function packageApp(options: { publicUrl: string | undefined; dir?: string }): Promise<{ zip: string; files: number; bytes: number }> {
  const dir = options.dir ?? DIST_DIR;
  const manifest: unknown = { ...JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')), domainWhitelist: whitelistFor(options.publicUrl) };
  const problems = await validateApp(dir, manifest);
  if (problems.length > 0) throw new Error(`The app is not ready to upload:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  const files: Record<string, Uint8Array> = { 'manifest.json': new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`) };
  for (const entry of PACKAGE_ENTRIES) {
    if (entry === 'manifest.json') continue;
    for (const path of await filesUnder(join(dir, entry))) files[relative(dir, path)] = await readFile(path);
  }
  const zip = join(dir, 'orcoursetrion-zendesk-app.zip');
  const data = zipSync(files, { level: 9 });
  await writeFile(zip, data);
  return { zip, files: Object.keys(files).length, bytes: data.length };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    const result = await packageApp({ publicUrl: process.env.ORC_PUBLIC_URL || undefined });
    process.stdout.write(`Wrote ${result.zip} (${result.files} files, ${(result.bytes / 1024).toFixed(1)} KB)\n`);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
