import { createHmac, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';

export interface GitImportRecord {
  /** Which receiver took it: the edx-sysadmin LMS plugin or a standalone mitodl/gitreload. */
  via: 'edx-sysadmin' | 'gitreload';
  /** The URL it was posted to (tells staging from production when both are mounted). */
  url: string;
  repoName: string;
  sshUrl: string;
  branch: string;
}

export interface GitreloadOptions {
  /** When set, `X-Hub-Signature-256` must be the HMAC-SHA256 of the body with it (else 403). */
  secret?: string;
  /** Branches the clone has checked out (edx-sysadmin's SYSADMIN_DEFAULT_BRANCH); default: any. */
  branches?: string[];
  /** Called for each accepted import: the sandbox uses it to make the imported course exist, as git_add_course would. */
  onImport?: (record: GitImportRecord) => void;
}

const pushEvent = z.object({
  ref: z.string().startsWith('refs/heads/'),
  repository: z.object({ name: z.string().min(1), ssh_url: z.string().min(1) }),
});

function signatureMatches(secret: string, body: string, header: string | undefined): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A receiver of GitHub push events that queues a git import, as both hook implementations do. */
export function gitreloadRoute(via: GitImportRecord['via'], options: GitreloadOptions, record: (r: GitImportRecord) => void) {
  // edx-sysadmin answers {message}, mitodl/gitreload {msg}.
  const reply = (text: string) => (via === 'edx-sysadmin' ? { message: text } : { msg: text });
  return new Hono().post('/', async (c) => {
    const body = await c.req.text();
    if (options.secret && !signatureMatches(options.secret, body, c.req.header('x-hub-signature-256'))) {
      return c.json({ detail: 'You do not have permission to perform this action.' }, 403);
    }
    const event = c.req.header('x-github-event');
    if (event === 'ping') return c.json({ msg: 'pong' });
    if (event !== 'push') return c.json(reply(`Ignoring ${event ?? 'unnamed'} event; only push triggers an import`), 400);
    const parsed = pushEvent.safeParse(safeJson(body));
    if (!parsed.success) return c.json(reply('Malformed push event: need ref and repository.name/ssh_url'), 400);
    const branch = parsed.data.ref.slice('refs/heads/'.length);
    if (options.branches && !options.branches.includes(branch)) {
      return c.json(reply(`Branch ${branch} is not the checked-out branch (${options.branches.join(', ')}); nothing imported`), 400);
    }
    const imported: GitImportRecord = { via, url: c.req.url, repoName: parsed.data.repository.name, sshUrl: parsed.data.repository.ssh_url, branch };
    record(imported);
    options.onImport?.(imported);
    return c.json(reply(`Triggered reloading branch ${branch} of ${parsed.data.repository.name}`));
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
