/** One line of `orcoursetrion doctor`: what was checked, and for a failure the setting to change and how. */
export interface Check {
  check: string;
  status: 'ok' | 'FAIL' | 'skip';
  detail: string;
  setting?: string;
  fix?: string;
}

export const ok = (check: string, detail: string): Check => ({ check, status: 'ok', detail });
export const skip = (check: string, detail: string): Check => ({ check, status: 'skip', detail });
export const fail = (check: string, detail: string, setting: string, fix: string): Check => ({ check, status: 'FAIL', detail, setting, fix });
