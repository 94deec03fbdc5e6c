import { sign } from 'hono/jwt';
import { z } from 'zod';

/**
 * The server half of `client.request`, as Zendesk's proxy does it: `{{setting.NAME}}` is
 * replaced by the installation's settings (secure ones only when the call says
 * `secure: true`), an HS256 token is minted from `jwt` and put where `{{jwt.token}}` stands,
 * and only hosts in the domain whitelist are called. The secret stays on the server.
 */

export const zafRequestSchema = z.object({
  url: z.string().min(1).max(2000),
  type: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  contentType: z.string().max(200).optional(),
  data: z.string().max(1_000_000).optional(),
  headers: z.record(z.string(), z.string().max(4000)).default({}),
  secure: z.boolean().default(false),
  jwt: z
    .object({
      algorithm: z.literal('HS256', { message: 'only HS256 is supported' }),
      secret_key: z.string(),
      expiry: z.number().int().positive().max(86_400).default(3600),
      claims: z.record(z.string(), z.unknown()).default({}),
    })
    .optional(),
});
export type ZafRequest = z.input<typeof zafRequestSchema>;

/** Where a request may carry a secure setting (zendesk_apps_support validations/manifest.rb SECURE_PARAM_SCOPES). */
export type SettingScope = 'url' | 'header' | 'body' | 'jwt_secret_key';

export interface AppSetting {
  value: string;
  secure: boolean;
  /**
   * The manifest's `scopes` of a secure setting: the only places it is substituted. Inferred
   * from the scope names (docs/real-systems.md, "Zendesk apps (ZAF)"): Zendesk's documentation
   * of what each scope allows was not found.
   */
  scopes?: SettingScope[];
}

export interface ProxyContext {
  settings: Record<string, AppSetting>;
  /** Origins the app may call (the manifest's domainWhitelist, as origins). */
  allowedOrigins: string[];
  now(): number;
  fetch?: typeof fetch;
}

export interface ProxyAnswer {
  status: number;
  contentType: string;
  body: string;
}

const refusal = (status: number, message: string): ProxyAnswer => ({ status, contentType: 'application/json', body: JSON.stringify({ error: { code: 'proxy_refused', message } }) });

function substitute(text: string, settings: Record<string, AppSetting>, secure: boolean, place: SettingScope): string {
  return text.replace(/\{\{setting\.([A-Za-z0-9_]+)\}\}/g, (whole, name: string) => {
    const setting = settings[name];
    if (!setting) return whole;
    if (!setting.secure) return setting.value;
    return secure && (!setting.scopes || setting.scopes.includes(place)) ? setting.value : whole;
  });
}

export async function proxyZafRequest(raw: unknown, ctx: ProxyContext): Promise<ProxyAnswer> {
  const parsed = zafRequestSchema.safeParse(raw);
  if (!parsed.success) return refusal(400, `invalid request options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const options = parsed.data;
  const fill = (text: string, place: SettingScope) => substitute(text, ctx.settings, options.secure, place);

  const url = fill(options.url, 'url');
  // The refusal names the URL as the page sent it: the filled one may carry a secure setting.
  if (!URL.canParse(url) || !ctx.allowedOrigins.includes(new URL(url).origin)) return refusal(403, `${options.url} is not in the app's domainWhitelist`);

  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.headers)) headers[k] = fill(v, 'header');
  if (options.jwt) {
    const secret = fill(options.jwt.secret_key, 'jwt_secret_key');
    // Zendesk answers 422 when a secure setting cannot be substituted; so does this page.
    if (secret.includes('{{setting.')) return refusal(422, 'the JWT secret names a secure setting that cannot be used there: the request must be secure: true, and the setting\'s scopes must include jwt_secret_key');
    const iat = Math.floor(ctx.now() / 1000);
    const token = await sign({ ...options.jwt.claims, iat, exp: iat + options.jwt.expiry }, secret, 'HS256');
    for (const k of Object.keys(headers)) headers[k] = headers[k]!.replaceAll('{{jwt.token}}', token);
  }
  if (options.contentType) headers['content-type'] = options.contentType;

  const response = await (ctx.fetch ?? fetch)(url, { method: options.type, headers, body: options.type === 'GET' ? undefined : options.data === undefined ? undefined : fill(options.data, 'body') });
  return { status: response.status, contentType: response.headers.get('content-type') ?? 'text/plain', body: redactSecure(await response.text(), ctx.settings) };
}

/** A service that echoes its URL or body (a 404 naming the path) must not hand a secure setting to the page. */
function redactSecure(text: string, settings: Record<string, AppSetting>): string {
  let out = text;
  for (const [name, setting] of Object.entries(settings)) {
    if (setting.secure && setting.value.length > 0) out = out.replaceAll(setting.value, `[setting.${name}]`);
  }
  return out;
}
