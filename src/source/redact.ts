/** What a hidden secret is replaced with. */
export const REDACTED = 'REDACTED';

/**
 * Secrets shorter than this are not searched for as bare values: a short value would collide
 * with ordinary words and data (RAWG's keys are 32 characters). `key=` parameters and URL
 * credentials are removed whatever their length.
 */
const MIN_SECRET_LENGTH = 8;

/** A `key=` query parameter's value: it ends where URL-safe characters end, so `):` after it stays. */
const KEY_PARAM = /([?&]key=)[A-Za-z0-9._~%+-]*/g;
/** The credentials of a URL in free text: `scheme://user:password@`. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;

/** The URL without its `key` parameter and without credentials. Anything that is not a URL is returned as is. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactText(url);
  }
  if (!parsed.searchParams.has('key') && !parsed.username && !parsed.password) return url;
  parsed.searchParams.delete('key');
  parsed.username = '';
  parsed.password = '';
  return parsed.toString();
}

/** Free text (error messages, logs) with every `key=` value and every URL's credentials removed. */
export function redactText(text: string): string {
  return text.replace(KEY_PARAM, `$1${REDACTED}`).replace(USERINFO, '$1');
}

/**
 * Hides known secrets (the API key, a password) wherever they appear, as a bare value, inside a
 * URL or in a JSON string, on top of what `redactText` removes. One is built from the secrets a
 * component holds and applied to everything it lets out: messages, logs, stored bytes.
 */
export class Redactor {
  readonly #forms: string[];

  constructor(secrets: Iterable<string | undefined>) {
    const forms = new Set<string>();
    for (const secret of secrets) {
      if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
      // As given, as a URL carries it, and as a JSON string holds it.
      forms.add(secret);
      forms.add(encodeURIComponent(secret));
      forms.add(JSON.stringify(secret).slice(1, -1));
    }
    // Longest first, so a form that contains another is replaced whole.
    this.#forms = [...forms].sort((a, b) => b.length - a.length);
  }

  /** The secrets the CLI's environment holds. */
  static fromEnv(env: NodeJS.ProcessEnv): Redactor {
    return new Redactor([env.RAWG_API_KEY, env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN, env.SNOWFLAKE_PASSWORD]);
  }

  text(text: string): string {
    let result = redactText(text);
    for (const form of this.#forms) result = result.split(form).join(REDACTED);
    return result;
  }

  /** Stored bytes with every secret replaced; the same bytes when none is there. */
  bytes(body: Uint8Array): Uint8Array {
    let result = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    for (const form of this.#forms) {
      const needle = Buffer.from(form);
      if (result.indexOf(needle) < 0) continue;
      const parts: Buffer[] = [];
      let from = 0;
      for (let at = result.indexOf(needle); at >= 0; at = result.indexOf(needle, from)) {
        parts.push(result.subarray(from, at), Buffer.from(REDACTED));
        from = at + needle.length;
      }
      parts.push(result.subarray(from));
      result = Buffer.concat(parts);
    }
    return result;
  }

  /** The error with its message redacted (the same object, so its class and exit code stay). */
  error<T>(error: T): T {
    if (error instanceof Error) error.message = this.text(error.message);
    return error;
  }
}
