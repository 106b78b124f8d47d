/** A log method in pino's shape: `log(message)` or `log(fields, message)`. */
export type LogFn = (fieldsOrMessage: unknown, message?: string) => void;

/** The subset of a pino logger the llmspell packages use; pino, bunyan-style and console adapters fit. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

/** A logger that writes nothing. */
export const silentLogger: Logger = Object.freeze({ debug() {}, info() {}, warn() {}, error() {} });

const levels = ['debug', 'info', 'warn', 'error'] as const;

/** A logger on `console` that writes `level` and above (default 'warn'), fields as JSON after the message. */
export function consoleLogger(level: (typeof levels)[number] = 'warn'): Logger {
  const threshold = levels.indexOf(level);
  const make =
    (name: (typeof levels)[number]): LogFn =>
    (fieldsOrMessage, message) => {
      if (levels.indexOf(name) < threshold) return;
      const write = name === 'error' ? console.error : name === 'warn' ? console.warn : console.log;
      if (typeof fieldsOrMessage === 'string') write(`[llmspell] ${name}: ${fieldsOrMessage}`);
      else write(`[llmspell] ${name}: ${message ?? ''} ${safeJson(fieldsOrMessage)}`);
    };
  return { debug: make('debug'), info: make('info'), warn: make('warn'), error: make('error') };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, inner) => (inner instanceof Error ? inner.message : inner));
  } catch {
    return String(value);
  }
}
