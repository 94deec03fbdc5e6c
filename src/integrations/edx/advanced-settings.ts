import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { requireCourseKey } from '../../courses/naming';
import { EdxPermanentError } from './errors';
import type { StudioApi } from './studio-api';

/** `{name: {value, display_name, help, ...}}`; only `value` matters here. */
const advancedSettingsSchema = z.record(z.string(), z.object({ value: z.unknown() }));

export interface SettingsChange {
  /** Names whose value was different and has been written. */
  changed: string[];
}

/** `GET /api/contentstore/v0/advanced_settings/{key}?filter_fields=…`: a name Studio hides is absent from the answer. */
export function readAdvancedSettings(api: StudioApi, key: string, names: string[]): Promise<z.infer<typeof advancedSettingsSchema>> {
  requireCourseKey(key);
  const path = `/api/contentstore/v0/advanced_settings/${key}`;
  return api.call(advancedSettingsSchema, { method: 'GET', path, params: { filter_fields: names.join(',') }, what: `read advanced settings of ${key}` });
}

/**
 * Sets advanced settings (e.g. `giturl`) with `PATCH /api/contentstore/v0/advanced_settings/{key}`,
 * skipping the PATCH when every value already matches, then reads them back: Studio silently
 * drops fields it hides (`giturl` is hidden unless git export is enabled), so a 200 is no proof.
 */
export async function setAdvancedSettings(api: StudioApi, key: string, settings: Record<string, unknown>): Promise<SettingsChange> {
  requireCourseKey(key);
  const path = `/api/contentstore/v0/advanced_settings/${key}`;
  const names = Object.keys(settings);
  const read = () => readAdvancedSettings(api, key, names);
  const differing = (current: z.infer<typeof advancedSettingsSchema>) => names.filter((n) => !(n in current) || !isDeepStrictEqual(current[n]!.value, settings[n]));

  const changed = differing(await read());
  if (changed.length === 0) return { changed };

  await api.call(advancedSettingsSchema, {
    method: 'PATCH',
    path,
    data: Object.fromEntries(changed.map((n) => [n, { value: settings[n] }])),
    what: `set advanced settings ${changed.join(', ')} of ${key}`,
  });
  const stillDiffering = differing(await read());
  if (stillDiffering.length > 0) {
    throw new EdxPermanentError(
      `set advanced settings of ${key}: Studio accepted ${stillDiffering.join(', ')} but did not keep ${stillDiffering.length === 1 ? 'it' : 'them'}` +
        (stillDiffering.includes('giturl') ? ' (Studio hides giturl unless git export is enabled: turn on ENABLE_EXPORT_GIT, or set it by hand)' : ''),
    );
  }
  return { changed };
}
