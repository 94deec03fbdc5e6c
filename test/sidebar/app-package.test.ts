import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packageApp, validateApp, whitelistFor } from '../../zendesk-app/scripts/package';
import { APP_DIR } from '../../zendesk-app/scripts/paths';

/** The app's own manifest, translations and assets in a temp folder laid out as the build leaves dist/. */
function stagedApp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'orc-app-package-'));
  cpSync(join(APP_DIR, 'manifest.json'), join(dir, 'manifest.json'));
  cpSync(join(APP_DIR, 'translations'), join(dir, 'translations'), { recursive: true });
  cpSync(join(APP_DIR, 'assets'), join(dir, 'assets'), { recursive: true });
  writeFileSync(join(dir, 'assets', 'iframe.html'), '<!doctype html><title>app</title>');
  return dir;
}
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

describe('app:package', () => {
  let dir: string;
  beforeEach(() => {
    dir = stagedApp();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('needs ORC_PUBLIC_URL, and refuses a placeholder or non-https one, naming the setting', async () => {
    await expect(packageApp({ publicUrl: undefined, dir })).rejects.toThrow(/^ORC_PUBLIC_URL is not set: .*domainWhitelist/);
    expect(() => whitelistFor('https://orcoursetrion.example.edu')).toThrow(/ORC_PUBLIC_URL .* placeholder host/);
    expect(() => whitelistFor('https://localhost:8787')).toThrow(/placeholder host/);
    expect(() => whitelistFor('http://orc.mit.edu')).toThrow(/ORC_PUBLIC_URL .* must use https/);
    expect(() => whitelistFor('orc.mit.edu')).toThrow(/ORC_PUBLIC_URL "orc.mit.edu" is not a URL/);
  });

  it('packages with the service host as the whole whitelist and the secret scoped to the JWT key', async () => {
    const result = await packageApp({ publicUrl: 'https://orc.mit.edu/', dir });
    const files = unzipSync(readFileSync(result.zip));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['manifest.json', 'translations/en.json', 'assets/iframe.html', 'assets/logo.png']));
    const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json']));
    expect(manifest.domainWhitelist).toEqual(['orc.mit.edu']);
    expect(manifest.parameters).toContainEqual({ name: 'shared_secret', type: 'text', secure: true, required: true, scopes: ['jwt_secret_key'] });
  });

  it.each([
    ['a parameter type outside Zendesk\'s list', { name: 'api_password', type: 'password' }, /parameters\[name="api_password"\]\.type: must be one of Zendesk's parameter types/s],
    ['a secure parameter without scopes', { name: 'other_secret', type: 'text', secure: true }, /parameters\[name="other_secret"\]\.scopes: a secure parameter needs scopes/],
    ['an unknown scope', { name: 'other_secret', type: 'text', secure: true, scopes: ['everywhere'] }, /"other_secret"\]\.scopes\.0: must be among header, body, url, jwt_secret_key/],
    ['empty scopes', { name: 'other_secret', type: 'text', secure: true, scopes: [] }, /scopes: cannot be empty/],
    ['scopes on a setting that is not secure', { name: 'plain', type: 'text', scopes: ['header'] }, /"plain"\]\.scopes: only a secure parameter takes scopes/],
    ['a default on a secure parameter', { name: 'other_secret', secure: true, scopes: ['header'], default: 'abc' }, /\.default: a secure or hidden parameter must not have a default/],
    ['a required hidden parameter', { name: 'internal', type: 'hidden', required: true }, /"internal"\]: a hidden parameter cannot be required/],
    ['a parameter called name', { name: 'name', type: 'text' }, /"name" is reserved by Zendesk/],
  ])('refuses %s, as zendesk_apps_support does', async (_what, parameter, message) => {
    const manifest = manifestOf(dir);
    manifest.parameters.push(parameter);
    manifest.domainWhitelist = ['orc.mit.edu'];
    const problems = await validateApp(dir, manifest);
    expect(problems.join('\n')).toMatch(message);
  });

  it('accepts the app as it is, and refuses a placeholder left in the whitelist', async () => {
    const manifest = { ...manifestOf(dir), domainWhitelist: ['orc.mit.edu'] };
    expect(await validateApp(dir, manifest)).toEqual([]);
    expect(await validateApp(dir, { ...manifest, domainWhitelist: ['orcoursetrion.example.edu'] })).toEqual(['manifest.json domainWhitelist: orcoursetrion.example.edu is a placeholder host']);
  });
});
