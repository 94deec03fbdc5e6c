import type { GithubContext } from './context';
import { fullName } from './context';
import { TransientError } from '../../errors';
import { RepoNotFound, isStatus, toGithubError } from './errors';

/** Every file of a branch; the text of those `keepText` selects (others map to undefined). */
export type RepoFiles = Map<string, string | undefined>;

/** A file kept as text larger than this is a mistake in a course (a data dump), not courseware. */
const MAX_TEXT_BYTES = 8 * 1024 * 1024;

/** Files of a GitHub archive: everything sits under one top folder (owner-repo-sha), stripped here. */
async function untar(gzipped: Uint8Array, keepText: (path: string) => boolean): Promise<RepoFiles> {
  // Loaded at the first archive read: the client's other users (the CLI's one-shot actions) never read one.
  // Its default export: the bundle's chunk for this CommonJS module exports nothing else (a named import was undefined there).
  const { extract } = (await import('tar-stream')).default;
  // node:zlib likewise: compiling it cost every action's start ~1 ms.
  const { gunzipSync } = await import('node:zlib');
  const files: RepoFiles = new Map();
  const reader = extract();
  const decoder = new TextDecoder();
  const done = new Promise<RepoFiles>((resolve, reject) => {
    reader.on('entry', (header, stream, next) => {
      const path = header.name.replace(/^[^/]*\//, '');
      const wanted = header.type === 'file' && path !== '' && keepText(path) && (header.size ?? 0) <= MAX_TEXT_BYTES;
      if (header.type === 'file' && path !== '') files.set(path, undefined);
      const chunks: Uint8Array[] = [];
      stream.on('data', (chunk: unknown) => {
        if (wanted && chunk instanceof Uint8Array) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (wanted) files.set(path, decoder.decode(Buffer.concat(chunks)));
        next();
      });
    });
    reader.on('finish', () => resolve(files));
    reader.on('error', reject);
  });
  reader.end(gunzipSync(gzipped));
  return done;
}

export function archiveOperations(ctx: GithubContext) {
  const { octokit } = ctx;

  /**
   * A branch's files in one request (GitHub's tarball archive, one redirect followed by fetch),
   * not a request per file: a 2,000-file course reads in one round trip. Reads are not paced.
   */
  async function readRepoFiles(owner: string, repo: string, ref: string, keepText: (path: string) => boolean): Promise<RepoFiles> {
    let data: unknown;
    try {
      ({ data } = await octokit.request('GET /repos/{owner}/{repo}/tarball/{ref}', { owner, repo, ref }));
    } catch (err) {
      // 404: no such repository or ref, or (after the redirect) an empty repository.
      if (isStatus(err, 404)) throw new RepoNotFound(`${fullName(owner, repo)}@${ref}`);
      throw toGithubError(err, `download ${fullName(owner, repo)}@${ref}`);
    }
    // A cut-off download reads as a broken archive: worth another try.
    try {
      if (!(data instanceof ArrayBuffer)) throw new Error(`got ${typeof data}, not bytes`);
      return await untar(new Uint8Array(data), keepText);
    } catch (err) {
      throw new TransientError(`the archive of ${fullName(owner, repo)}@${ref} could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  return { readRepoFiles };
}
