import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * What `orcoursetrion --help` (and every command, before its action runs) loads: the entry
 * chunk of dist/cli and the chunks it imports statically, read from the build's metafile
 * (vitest's global setup has just built it). Commands import their work in their action
 * (see src/cli.ts); a static import of something heavy would put it here and slow every start.
 */
interface Meta {
  outputs: Record<string, { entryPoint?: string; imports: { path: string; kind: string; external?: boolean }[]; inputs: Record<string, unknown> }>;
}
const meta = JSON.parse(readFileSync(fileURLToPath(new URL('../../dist/cli/meta.json', import.meta.url)), 'utf8')) as Meta;

function staticInputs(): string[] {
  const entry = Object.keys(meta.outputs).find((k) => meta.outputs[k]!.entryPoint === 'src/cli.ts');
  if (!entry) throw new Error('dist/cli/meta.json has no entry for src/cli.ts');
  const seen = new Set<string>();
  const walk = (out: string) => {
    if (seen.has(out)) return;
    seen.add(out);
    for (const i of meta.outputs[out]!.imports) if (i.kind === 'import-statement' && !i.external && meta.outputs[i.path]) walk(i.path);
  };
  walk(entry);
  return [...seen].flatMap((out) => Object.keys(meta.outputs[out]!.inputs));
}

describe('the CLI entry chunk', () => {
  const inputs = staticInputs();

  it('holds commander and no other dependency', () => {
    const packages = new Set(inputs.filter((f) => f.includes('node_modules/')).map((f) => f.split('node_modules/').at(-1)!.split('/')[0]));
    expect([...packages]).toEqual(['commander']);
  });

  it('holds the commands\' registration, not their work', () => {
    const sources = inputs.filter((f) => f.startsWith('src/'));
    expect(sources).toContain('src/cli/github-actions.ts');
    expect(sources.filter((f) => /-run\.ts$|\/(config|server|context)\.ts$|^src\/(db\/schema|integrations|sandbox|engine|workflows|requests)\//.test(f))).toEqual([]);
  });
});
