/**
 * Structured logs: one JSON object per line. Secrets never leave through here: keys that look
 * like credentials are masked, and every configured secret value is scrubbed from every string.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const SECRET_KEY = /(token|secret|password|authorization|private_?key|cookie|signature)/i;

/** Replaces each secret value (and its URL-encoded and base64 forms) with [redacted]. */
export function createScrubber(secrets: readonly string[]): (text: string) => string {
  const needles = new Set<string>();
  for (const s of secrets) {
    if (s.length < 4) continue;
    needles.add(s);
    needles.add(encodeURIComponent(s));
    needles.add(Buffer.from(s).toString('base64'));
  }
  const list = [...needles].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const n of list) if (out.includes(n)) out = out.split(n).join('[redacted]');
    // Credentials embedded in URLs (e.g. gitreload hooks with basic auth).
    return out.replace(/(https?:\/\/)[^/\s:@]+:[^/\s@]+@/g, '$1[redacted]@');
  };
}

function sanitize(value: unknown, scrub: (s: string) => string, depth = 0): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value instanceof Error) return { name: value.name, message: scrub(value.message) };
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => sanitize(v, scrub, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && v != null && v !== '' ? '[redacted]' : sanitize(v, scrub, depth + 1);
  }
  return out;
}

export interface LoggerOptions {
  level?: LogLevel;
  secrets?: readonly string[];
  write?: (line: string) => void;
  clock?: () => number;
}

export function createLogger(options: LoggerOptions = {}, base: Record<string, unknown> = {}): Logger {
  const min = LEVELS[options.level ?? 'info'];
  const scrub = createScrubber(options.secrets ?? []);
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const clock = options.clock ?? Date.now;
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return;
    const record = sanitize({ time: new Date(clock()).toISOString(), level, msg, ...base, ...fields }, scrub);
    write(JSON.stringify(record));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = createLogger({ write: () => {} });
