import type { ZafClient } from '../zaf';

/** Opens the request's ticket in the agent workspace; a request without one shows plain text. */
export function TicketLink({ client, ticketId, children }: { client: ZafClient; ticketId: number | null; children: string }) {
  if (ticketId === null) return <span>{children}</span>;
  return (
    <button type="button" class="link" onClick={() => void client.invoke('routeTo', 'ticket', String(ticketId))}>
      {children}
    </button>
  );
}
