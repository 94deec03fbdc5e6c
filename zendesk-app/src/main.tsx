import { render, type ComponentChildren } from 'preact';
import './app.css';
import { Dashboard } from './nav-bar/dashboard';
import { NewTicketSidebar } from './new-ticket-sidebar/new-ticket-sidebar';
import { createService, type Service } from './service';
import { TicketSidebar } from './ticket-sidebar/ticket-sidebar';
import { useAutoResize } from './use-auto-resize';
import { startZaf, type AppStart, type ZafClient } from './zaf';

function Sized({ client, children }: { client: ZafClient; children: ComponentChildren }) {
  useAutoResize(client);
  return <>{children}</>;
}

function App({ start, service, firstTicket }: { start: AppStart; service: Service; firstTicket: ReturnType<Service['ticket']> | undefined }) {
  const { client, location, ticketId } = start;
  if (location === 'nav_bar') return <Dashboard client={client} service={service} />;
  const body =
    location === 'new_ticket_sidebar' ? (
      <NewTicketSidebar client={client} service={service} />
    ) : ticketId === undefined ? (
      <p class="muted">Open a ticket to see its course request.</p>
    ) : (
      <TicketSidebar service={service} ticketId={ticketId} first={firstTicket} />
    );
  return <Sized client={client}>{body}</Sized>;
}

async function main(root: HTMLElement): Promise<void> {
  try {
    const start = await startZaf();
    document.body.dataset.location = start.location;
    const service = createService(start.client, start.serviceUrl, start.user);
    // Ask for the ticket's request now, not after the first paint (where effects run).
    const firstTicket = start.location === 'ticket_sidebar' && start.ticketId !== undefined ? service.ticket(start.ticketId) : undefined;
    firstTicket?.catch(() => undefined); // its failure is shown by the sidebar, which awaits it
    render(<App start={start} service={service} firstTicket={firstTicket} />, root);
  } catch (err) {
    root.textContent = err instanceof Error ? err.message : String(err);
    root.className = 'alert alert--bad';
  }
}

const root = document.getElementById('app');
if (root) void main(root);
