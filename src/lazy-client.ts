/** An object whose every member is an async method: what the integration clients are. */
type AsyncMethods<T> = { [K in keyof T]: T[K] extends (...args: infer A) => Promise<infer R> ? (...args: A) => Promise<R> : never };

/**
 * A client built on its first call. Building Octokit, node-zendesk and axios clients costs
 * milliseconds; a Worker builds the services for every request, and most requests (webhook
 * intake, health checks, the sidebar API) never call GitHub, Zendesk or edX.
 */
export function lazyClient<T extends AsyncMethods<T>>(build: () => T | Promise<T>): T {
  let client: Promise<T> | undefined;
  const get = () => (client ??= Promise.resolve().then(build));
  return new Proxy({} as T, {
    get: (_target, method) => (...args: unknown[]) => get().then((c) => (c[method as keyof T] as (...a: unknown[]) => Promise<unknown>)(...args)),
  });
}
