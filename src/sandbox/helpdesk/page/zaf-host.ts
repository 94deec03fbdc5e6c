import * as z from 'zod/mini';

/**
 * The host side of the ZAF postMessage protocol (SDK 2.0.11, lib/client.js): what Zendesk's
 * agent workspace does for an app iframe. Internal to Zendesk and undocumented, so the SDK
 * version is pinned and the browser tests exercise it end to end.
 */

const messageSchema = z.object({
  key: z.optional(z.string()),
  id: z.optional(z.number()),
  request: z.optional(z.enum(['get', 'set', 'invoke'])),
  params: z.optional(z.unknown()),
  message: z.optional(z.unknown()),
  error: z.optional(z.object({ msg: z.optional(z.string()) })),
});

export interface AppHostHandlers {
  metadata: { appId: number; installationId: number; settings: Record<string, string> };
  context: Record<string, unknown>;
  /** A `client.get` path's value; throw for a path this location does not have. */
  get(path: string): Promise<unknown>;
  set(path: string, value: unknown): Promise<void>;
  invoke(name: string, args: unknown[]): Promise<unknown>;
  /** `client.request` options, answered as Zendesk's proxy would. */
  request(options: unknown): Promise<{ status: number; contentType: string; body: string }>;
}

export interface AppHost {
  /** Fires `zaf.<name>` in the app, if it listens. */
  trigger(name: string, data?: unknown): void;
  /** Runs a hook (e.g. ticket.save): resolves to the app's refusal message, or undefined to go ahead. */
  hook(name: string, timeoutMs?: number): Promise<string | undefined>;
  dispose(): void;
}

declare global {
  interface Window {
    __helpdeskEarlyMessages?: { take(): MessageEvent[] };
  }
}

/** Stops the page's early listener and returns what it kept, in order; empty when there is none. */
function takeEarlyMessages(): MessageEvent[] {
  const early = window.__helpdeskEarlyMessages;
  delete window.__helpdeskEarlyMessages;
  return early ? early.take() : [];
}

export function hostApp(iframe: HTMLIFrameElement, appOrigin: string, handlers: AppHostHandlers): AppHost {
  const subscribed = new Map<string, number>();
  const replies = new Map<string, (error: string | undefined) => void>();
  const post = (message: unknown) => iframe.contentWindow?.postMessage(JSON.stringify(message), appOrigin);
  const failure = (err: unknown) => ({ name: 'Error', message: err instanceof Error ? err.message : String(err) });

  async function answer(id: number, request: 'get' | 'set' | 'invoke', params: unknown): Promise<void> {
    try {
      if (request === 'get') {
        const paths = z.array(z.string()).parse(params);
        const result: Record<string, unknown> = {};
        const errors: Record<string, unknown> = {};
        for (const path of paths) {
          try {
            result[path] = await handlers.get(path);
          } catch (err) {
            errors[path] = failure(err);
          }
        }
        post({ id, result: { ...result, errors } });
      } else if (request === 'set') {
        const values = z.record(z.string(), z.unknown()).parse(params);
        for (const [path, value] of Object.entries(values)) await handlers.set(path, value);
        post({ id, result: values });
      } else {
        const calls = z.record(z.string(), z.array(z.unknown())).parse(params);
        const result: Record<string, unknown> = {};
        for (const [name, args] of Object.entries(calls)) result[name] = await handlers.invoke(name, args);
        post({ id, result });
      }
    } catch (err) {
      post({ id, error: failure(err) });
    }
  }

  async function proxy(key: string, options: unknown): Promise<void> {
    try {
      const res = await handlers.request(options);
      const json = res.contentType.includes('json');
      let data: unknown = res.body;
      if (json) data = JSON.parse(res.body);
      // jQuery's shapes: done(data, textStatus, jqXHR) and fail(jqXHR, textStatus, errorThrown).
      const xhr = { status: res.status, responseText: res.body, responseJSON: json ? data : undefined };
      if (res.status >= 200 && res.status < 300) post({ key: `zaf.${key}.done`, message: { responseArgs: [data, 'success', xhr] } });
      else post({ key: `zaf.${key}.fail`, message: { responseArgs: [xhr, 'error', String(res.status)] } });
    } catch (err) {
      post({ key: `zaf.${key}.fail`, message: { responseArgs: [{ status: 0, responseText: String(err) }, 'error', 'network'] } });
    }
  }

  const onMessage = (event: MessageEvent) => {
    if (event.source !== iframe.contentWindow || event.origin !== appOrigin) return;
    // Most messages are JSON strings; the SDK posts hook replies as plain objects.
    let raw: unknown = event.data;
    if (typeof raw === 'string') {
      try {
        raw = JSON.parse(raw);
      } catch {
        return;
      }
    }
    const parsed = messageSchema.safeParse(raw);
    if (!parsed.success) return;
    const msg = parsed.data;
    if (msg.id !== undefined && msg.request) return void answer(msg.id, msg.request, msg.params);
    const key = msg.key ?? '';
    if (key === 'iframe.handshake') post({ key: 'zaf.app.registered', message: { metadata: handlers.metadata, context: handlers.context } });
    else if (key.startsWith('iframe.on:') || key.startsWith('iframe.off:')) {
      const count = z.object({ subscriberCount: z.number() }).safeParse(msg.message);
      subscribed.set(key.slice(key.indexOf(':') + 1), count.success ? count.data.subscriberCount : 0);
    } else if (key.startsWith('iframe.reply:')) replies.get(key.slice('iframe.reply:'.length))?.(msg.error ? (msg.error.msg ?? 'Refused') : undefined);
    else if (/^request:\d+$/.test(key)) void proxy(key, msg.message);
  };
  window.addEventListener('message', onMessage);
  // Messages the app sent before this script ran (its iframe is in the server's HTML), kept by
  // the page's inline listener (host-shell.ts): the handshake is posted once, never again.
  for (const early of takeEarlyMessages()) onMessage(early);

  return {
    trigger(name, data) {
      if ((subscribed.get(name) ?? 0) > 0) post({ key: `zaf.${name}`, message: data });
    },
    hook(name, timeoutMs = 10_000) {
      if ((subscribed.get(name) ?? 0) === 0) return Promise.resolve(undefined);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          replies.delete(name);
          resolve(`The app did not answer ${name} within ${timeoutMs / 1000} s`);
        }, timeoutMs);
        replies.set(name, (error) => {
          clearTimeout(timer);
          replies.delete(name);
          resolve(error);
        });
        post({ key: `zaf.${name}`, needsReply: true });
      });
    },
    dispose: () => window.removeEventListener('message', onMessage),
  };
}
