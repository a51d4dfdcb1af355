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
 * URL, in a JSON string, hex-encoded or base64-encoded, on top of what `redactText` removes. One
 * is built from the secrets a component holds and applied to everything it lets out: messages,
 * logs, stored bytes.
 */
export class Redactor {
  /** Longest first, so a spelling that contains another is replaced whole. */
  readonly #spellings: string[];
  readonly #needles: Needle[];

  constructor(secrets: Iterable<string | undefined>) {
    const found = new Set<string>();
    for (const secret of secrets) {
      if (secret && secret.length >= MIN_SECRET_LENGTH) spellingsOf(secret).forEach((spelling) => found.add(spelling));
    }
    this.#spellings = [...found].sort((a, b) => b.length - a.length);
    this.#needles = this.#spellings.map(needleOf);
  }

  /** The secrets the CLI's environment holds, and any others given. */
  static fromEnv(env: NodeJS.ProcessEnv, others: Iterable<string | undefined> = []): Redactor {
    return new Redactor([
      env.RAWG_API_KEY,
      env.AWS_SECRET_ACCESS_KEY,
      env.AWS_SESSION_TOKEN,
      env.SNOWFLAKE_PASSWORD,
      ...others,
    ]);
  }

  text(text: string): string {
    let result = redactText(text);
    for (const spelling of this.#spellings) result = result.split(spelling).join(REDACTED);
    return result;
  }

  /**
   * Stored bytes with every secret replaced; the same bytes when none is there. Every page passes
   * here, so each spelling is looked for by a native search from its first rare byte (needleOf),
   * and the bytes are copied once, only when something was found.
   */
  bytes(body: Uint8Array): Uint8Array {
    const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const found: { start: number; end: number }[] = [];
    for (const needle of this.#needles) {
      for (let at = bytes.indexOf(needle.anchor); at >= 0; at = bytes.indexOf(needle.anchor, at + 1)) {
        const start = at - needle.offset;
        const end = start + needle.whole.length;
        if (start >= 0 && end <= bytes.length && needle.whole.equals(bytes.subarray(start, end)))
          found.push({ start, end });
      }
    }
    if (found.length === 0) return bytes;
    // Longest first at each place; a match that overlaps one already replaced joins it.
    found.sort((a, b) => a.start - b.start || b.end - a.end);
    const parts: Buffer[] = [];
    let from = 0;
    for (const { start, end } of found) {
      if (start < from) {
        from = Math.max(from, end);
        continue;
      }
      parts.push(bytes.subarray(from, start), REDACTED_BYTES);
      from = end;
    }
    parts.push(bytes.subarray(from));
    return Buffer.concat(parts);
  }

  /** The error with its message redacted (the same object, so its class and exit code stay). */
  error<T>(error: T): T {
    if (error instanceof Error) error.message = this.text(error.message);
    return error;
  }
}

const REDACTED_BYTES = Buffer.from(REDACTED);

/**
 * Every way a secret may be echoed: as given, as a URL carries it, as a JSON string holds it, hex
 * (lower and upper case), and base64 (standard and URL-safe, with and without padding). Inside a
 * longer base64 text (a token, a basic-auth header) the secret's characters depend on where its
 * bytes fall in the 3-byte groups, so each of the three alignments gives one spelling: the
 * characters its bytes alone decide. The two or three edge characters they share with their
 * neighbours stay; they carry a few bits, never the secret.
 */
function spellingsOf(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const hex = bytes.toString('hex');
  const base64 = [bytes.toString('base64'), bytes.toString('base64').replace(/=+$/, '')];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const length = offset + bytes.length;
    base64.push(encoded.slice(offset === 0 ? 0 : offset + 1, 4 * Math.floor(length / 3) + (length % 3)));
  }
  const urlSafe = base64.map((text) => text.replaceAll('+', '-').replaceAll('/', '_'));
  return [
    secret,
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
    hex,
    hex.toUpperCase(),
    ...base64,
    ...urlSafe,
  ];
}

/**
 * A spelling and where to start looking for it. A native search is fast from a rare first byte or
 * for a long needle (it then skips ahead), and slow for a short one that starts with a byte found
 * everywhere; page text is mostly lower-case words, digits and quotes. So the search starts from
 * the spelling's first rare byte, if it has one, and the bytes before it are checked at each hit.
 */
interface Needle {
  whole: Buffer;
  /** The spelling from `offset` on. */
  anchor: Buffer;
  offset: number;
}

/** Bytes from most to least common in JSON page text (as counted on sandbox pages); any byte not listed is rarer. */
const COMMONNESS = '"ea:,itdgnmsro0c/lu1p2954.fb3_786{}hw- yjk[]SxvqGP\\ARMCTOWBDzXFLIEHNV=&U\'+?KQ';
const rarity = (byte: number): number => {
  const rank = COMMONNESS.indexOf(String.fromCharCode(byte));
  return rank < 0 ? COMMONNESS.length : rank;
};
/** Rare enough to start a search from: rarer than upper-case S, the commonest upper-case letter. */
const RARE = COMMONNESS.indexOf('S');
/** The anchor keeps at least this many bytes, so that it seldom matches by chance. */
const MIN_ANCHOR = 8;

function needleOf(spelling: string): Needle {
  const whole = Buffer.from(spelling);
  let offset = 0;
  for (let at = 0; at <= whole.length - MIN_ANCHOR; at++) {
    if (rarity(whole[at]!) >= RARE) {
      offset = at;
      break;
    }
  }
  return { whole, anchor: whole.subarray(offset), offset };
}
