import ZAFClient, { type RawZafClient } from 'zendesk_app_framework_sdk';
import * as z from 'zod/mini';
import { userSchema, type ZendeskUser } from './schemas';

export type ZafClient = RawZafClient;

export const LOCATIONS = ['ticket_sidebar', 'new_ticket_sidebar', 'nav_bar'] as const;
export type AppLocation = (typeof LOCATIONS)[number];

const contextSchema = z.object({ location: z.enum(LOCATIONS), ticketId: z.optional(z.nullable(z.number())) });
const metadataSchema = z.object({ settings: z.object({ service_url: z.string() }) });

export interface AppStart {
  client: ZafClient;
  location: AppLocation;
  ticketId: number | undefined;
  serviceUrl: string;
  /** The agent using the app, for the token's claims (who approved, who marked done). */
  user: ZendeskUser;
}

/**
 * Connects to Zendesk (or the local help-desk page) and reads where the app runs. Throws
 * with a message an agent can act on when the app is opened outside a host or misconfigured.
 */
export async function startZaf(): Promise<AppStart> {
  const client = ZAFClient.init();
  if (!client) throw new Error('This page is the Orcoursetrion Zendesk app: open it from Zendesk or the local help-desk page.');
  // One round of messages: the SDK holds the `get` until the host registers the app, then
  // posts it at once, so context, settings and the agent arrive together.
  const [context, metadata, user] = await Promise.all([client.context(), client.metadata(), client.get('currentUser')]);
  const ctx = contextSchema.safeParse(context);
  if (!ctx.success) throw new Error('This app runs in the ticket sidebar, the new-ticket sidebar or the navigation bar.');
  const meta = metadataSchema.safeParse(metadata);
  if (!meta.success || !/^https?:\/\//.test(meta.data.settings.service_url)) {
    throw new Error('The app setting "Service URL" is missing: an admin sets it in the app\'s settings.');
  }
  const agent = userSchema.safeParse(user['currentUser']);
  if (!agent.success) throw new Error('Zendesk did not say who the current agent is.');
  return { client, location: ctx.data.location, ticketId: ctx.data.ticketId ?? undefined, serviceUrl: meta.data.settings.service_url.replace(/\/+$/, ''), user: agent.data };
}
