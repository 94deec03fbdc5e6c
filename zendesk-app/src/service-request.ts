import type { ZendeskUser } from './schemas';

/**
 * Lifetime asked of each token. The proxy mints a fresh token for every call, so it only has
 * to outlive one request plus the clock drift between Zendesk and the service; a leaked
 * token is useless ten minutes later (the service refuses more than 24 h in any case).
 */
export const TOKEN_EXPIRY_SECONDS = 600;

/**
 * One call to the sidebar API, as the app makes it. Every call goes through Zendesk's proxy with
 * `secure: true`: the proxy substitutes the secure shared secret and mints the HS256 token,
 * so the secret never reaches the browser. `sub` names the agent; the service looks the agent
 * up in Zendesk for the audit log (name and email here are only a hint it does not record).
 * The help-desk page asks the service for its findings the same way.
 */
export function serviceRequest(serviceUrl: string, user: ZendeskUser, method: 'GET' | 'POST', path: string, body?: unknown) {
  return {
    url: `${serviceUrl}${path}`,
    type: method,
    contentType: 'application/json',
    dataType: 'json',
    data: body === undefined ? undefined : JSON.stringify(body),
    secure: true,
    cors: false,
    headers: { Authorization: 'Bearer {{jwt.token}}' },
    jwt: {
      algorithm: 'HS256',
      secret_key: '{{setting.shared_secret}}',
      expiry: TOKEN_EXPIRY_SECONDS,
      claims: { sub: String(user.id), name: user.name, email: user.email },
    },
  };
}
