import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { zipSync } from 'fflate';
import { z } from 'zod';
import { DIST_DIR, PACKAGE_ENTRIES } from './paths';

/**
 * `npm run app:package`: checks the built app the way Zendesk's validator would (zcli's
 * validate needs an account) and zips manifest.json, translations/ and assets/ for upload.
 * With ORC_PUBLIC_URL set, its host goes into domainWhitelist: Zendesk only substitutes secure
 * settings into requests to whitelisted hosts.
 */

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
  parameters: z.array(z.object({ name: z.string().regex(/^[a-z_][a-z0-9_]*$/), type: z.enum(['text', 'password', 'url', 'number', 'checkbox', 'multiline', 'hidden']), secure: z.boolean().optional(), required: z.boolean().optional() })),
});

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

/** Every problem with the built app, one line each; empty when it is ready to upload. */
export async function validateApp(dir: string): Promise<string[]> {
  const problems: string[] = [];
  const manifest = manifestSchema.safeParse(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')));
  if (!manifest.success) return manifest.error.issues.map((i) => `manifest.json ${i.path.join('.')}: ${i.message}`);
  const m = manifest.data;
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

export async function packageApp(options: { publicUrl?: string } = {}): Promise<{ zip: string; files: number; bytes: number }> {
  const problems = await validateApp(DIST_DIR);
  if (problems.length > 0) throw new Error(`The app is not ready to upload:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  const files: Record<string, Uint8Array> = {};
  for (const entry of PACKAGE_ENTRIES) {
    const paths = entry === 'manifest.json' ? [join(DIST_DIR, entry)] : await filesUnder(join(DIST_DIR, entry));
    for (const path of paths) files[relative(DIST_DIR, path)] = await readFile(path);
  }
  if (options.publicUrl) {
    const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json']));
    manifest.domainWhitelist = [new URL(options.publicUrl).host];
    files['manifest.json'] = new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`);
  }
  const zip = join(DIST_DIR, 'orcoursetrion-zendesk-app.zip');
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
