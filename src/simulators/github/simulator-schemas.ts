import { z } from 'zod';

/** Request bodies the simulated GitHub accepts; anything else is refused with 422 as GitHub does. */

const permission = z.enum(['pull', 'triage', 'push', 'maintain', 'admin']);
const person = z.object({ name: z.string().min(1), email: z.string().min(1), date: z.string().optional() });
const base64 = z.string().regex(/^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/, 'content is not valid Base64');

export const createRepoBody = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'name may only contain letters, digits, _ . -'),
  description: z.string().nullish(),
  private: z.boolean().optional(),
  visibility: z.enum(['public', 'private', 'internal']).optional(),
  auto_init: z.boolean().optional(),
  is_template: z.boolean().optional(),
});

export const updateRepoBody = z.object({
  description: z.string().nullish(),
  private: z.boolean().optional(),
  is_template: z.boolean().optional(),
  default_branch: z.string().min(1).optional(),
});

export const renameBranchBody = z.object({ new_name: z.string().min(1) });

export const generateBody = z.object({
  owner: z.string().min(1),
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/),
  description: z.string().nullish(),
  private: z.boolean().optional(),
  include_all_branches: z.boolean().optional(),
});

export const putContentBody = z.object({
  message: z.string().min(1),
  content: base64,
  sha: z.string().optional(),
  branch: z.string().optional(),
  committer: person.optional(),
  author: person.optional(),
});

export const createTeamBody = z.object({
  name: z.string().trim().min(1),
  description: z.string().optional(),
  privacy: z.enum(['secret', 'closed']).optional(),
  permission: z.enum(['pull', 'push']).optional(),
  maintainers: z.array(z.string()).optional(),
  repo_names: z.array(z.string()).optional(),
});

export const membershipBody = z.object({ role: z.enum(['member', 'maintainer']).optional() }).optional();
export const teamRepoBody = z.object({ permission: permission.optional() }).optional();

export const createHookBody = z.object({
  name: z.literal('web').optional(),
  active: z.boolean().optional(),
  events: z.array(z.string().min(1)).optional(),
  config: z.object({
    url: z.string().refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'config.url must be an http(s) URL'),
    content_type: z.enum(['json', 'form']).optional(),
    secret: z.string().optional(),
    insecure_ssl: z.union([z.string(), z.number()]).optional(),
  }),
});

export const createRefBody = z.object({
  ref: z.string().regex(/^refs\/[^/]+\/.+/, "Reference name must start with 'refs/' and have at least two slashes."),
  sha: z.string().regex(/^[0-9a-f]{40}$/),
});
export const updateRefBody = z.object({ sha: z.string().regex(/^[0-9a-f]{40}$/), force: z.boolean().optional() });

export const createBlobBody = z.object({ content: z.string(), encoding: z.enum(['utf-8', 'base64']).optional() });

export const createTreeBody = z.object({
  base_tree: z.string().optional(),
  tree: z.array(
    z.object({
      path: z.string().min(1),
      mode: z.enum(['100644', '100755', '120000', '040000', '160000']),
      type: z.enum(['blob', 'tree', 'commit']),
      sha: z.string().nullable().optional(),
      content: z.string().optional(),
    }),
  ),
});

export const createCommitBody = z.object({
  message: z.string().min(1),
  tree: z.string().regex(/^[0-9a-f]{40}$/),
  parents: z.array(z.string().regex(/^[0-9a-f]{40}$/)).default([]),
  author: person.optional(),
  committer: person.optional(),
});
