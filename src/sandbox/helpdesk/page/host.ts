import './host.css';
import { el } from './dom';
import { configSchema, createPageApi } from './page-api';
import { dashboardView, newTicketView, ticketListView, ticketView } from './views';

async function main(root: HTMLElement): Promise<void> {
  const config = configSchema.parse(JSON.parse(document.getElementById('helpdesk-config')?.textContent ?? '{}'));
  const api = createPageApi(config.basePath);
  const navigate = (path: string) => location.assign(`${config.basePath}${path}`);
  const path = location.pathname.slice(config.basePath.length) || '/';
  const ticket = /^\/tickets\/(\d+)$/.exec(path);
  const nav = (href: string, text: string, current: boolean) => el('a', { href: `${config.basePath}${href}`, 'aria-current': current ? 'page' : undefined }, text);
  // On a ticket page the server already wrote the workspace with the app's iframe in it (loading
  // while this script did): the header goes before it and the view fills its placeholder.
  const prerendered = document.querySelector<HTMLIFrameElement>('iframe#app-frame') ?? undefined;
  const slot = document.getElementById('helpdesk-view');
  const show = (view: HTMLElement) => (slot ? slot.replaceWith(view) : root.append(el('main', {}, view)));
  root.prepend(
    el(
      'header',
      { class: 'topbar' },
      el('strong', {}, 'Orcoursetrion help desk'),
      el('span', { class: 'tag' }, 'sandbox'),
      el('nav', { 'aria-label': 'Main' }, nav('/', 'Tickets', path === '/'), nav('/new', 'New course request', path === '/new'), nav('/dashboard', 'Dashboard', path === '/dashboard'), nav('/course-staff', 'Course staff', false)),
    ),
  );
  try {
    const view = ticket
      ? await ticketView(config, api, Number(ticket[1]), navigate, prerendered)
      : path === '/new'
        ? await newTicketView(config, api, navigate)
        : path === '/dashboard'
          ? await dashboardView(config, api, navigate)
          : await ticketListView(config, api);
    show(view);
  } catch (err) {
    show(el('p', { role: 'alert' }, err instanceof Error ? err.message : String(err)));
  }
}

const root = document.getElementById('helpdesk');
if (root) void main(root);
