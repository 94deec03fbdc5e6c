import { el } from './dom';
import type { PageApi, PageConfig, TicketField } from './page-api';
import { hostApp, type AppHost } from './zaf-host';

export type Location = 'ticket_sidebar' | 'new_ticket_sidebar' | 'nav_bar';

export interface FrameOptions {
  location: Location;
  ticketId?: number;
  /** The ticket fields; a promise while the page still loads them (the app may start first). */
  fields: TicketField[] | Promise<TicketField[]>;
  /** The form or ticket's current value of a custom field. */
  fieldValue(id: number): string | number | null | Promise<string | number | null>;
  setFieldValue(id: number, value: string | number | null): Promise<void>;
  routeToTicket(id: number): void;
  /** The app's iframe when the server already put it in the page (see host-shell.ts), so it loads while this script does. */
  iframe?: HTMLIFrameElement | undefined;
}

const fieldName = (id: number) => `custom_field_${id}`;

/**
 * Embeds the built app for one location and answers it like Zendesk: ZAF context and
 * settings, ticket fields, resize, routeTo, and the request proxy (run by the page's server,
 * which holds the secret).
 */
export function appFrame(config: PageConfig, api: PageApi, options: FrameOptions): { iframe: HTMLIFrameElement; host: AppHost } {
  let iframe = options.iframe;
  if (!iframe) {
    const guid = `sandbox-${options.location}-${Math.random().toString(36).slice(2, 10)}`;
    const src = new URL(config.appUrl, location.href);
    src.searchParams.set('origin', location.origin);
    src.searchParams.set('app_guid', guid);
    iframe = el('iframe', { src: src.href, title: `Orcoursetrion app (${options.location.replace(/_/g, ' ')})`, class: `app-frame app-frame--${options.location}` });
  }
  const frame = iframe;
  const appUrl = new URL(frame.src, location.href);
  const fieldById = async (path: string) => {
    const match = /^ticket\.customField:custom_field_(\d+)$/.exec(path);
    const field = match ? (await options.fields).find((f) => f.id === Number(match[1])) : undefined;
    if (!field) throw new Error(`"${path}" is not available here`);
    return field;
  };

  const host = hostApp(frame, appUrl.origin, {
    metadata: { appId: 1, installationId: 1, settings: config.settings },
    context: { location: options.location, ticketId: options.ticketId ?? null, product: 'support' },
    async get(path) {
      if (path === 'currentUser') return config.currentUser;
      if (path === 'ticket.id' && options.ticketId !== undefined) return options.ticketId;
      if (path === 'ticketFields') return (await options.fields).map((f) => ({ name: fieldName(f.id), label: f.title, type: f.type, options: (f.options ?? []).map((o) => ({ label: o.name, value: o.value })) }));
      return options.fieldValue((await fieldById(path)).id);
    },
    async set(path, value) {
      const v = typeof value === 'string' || typeof value === 'number' || value === null ? value : String(value);
      await options.setFieldValue((await fieldById(path)).id, v);
    },
    async invoke(name, args) {
      if (name === 'resize') {
        const size = args[0];
        if (typeof size === 'object' && size !== null && 'height' in size && typeof size.height === 'string') frame.style.height = size.height;
        return {};
      }
      if (name === 'routeTo' && args[0] === 'ticket') return options.routeToTicket(Number(args[1]));
      throw new Error(`invoke "${name}" is not supported by the sandbox page`);
    },
    request: (requestOptions) => api.zafRequest(requestOptions),
  });
  return { iframe: frame, host };
}

/** ZAF's event name for a custom field change. */
export const fieldChangedEvent = (id: number) => `ticket.${fieldName(id)}.changed`;
