/** Removes the `key` query parameter from a URL. Anything that is not a URL is returned as is. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!parsed.searchParams.has('key')) return url;
  parsed.searchParams.delete('key');
  return parsed.toString();
}

/** Replaces every `key=...` in free text (error messages, logs) with `key=REDACTED`. */
export function redactText(text: string): string {
  return text.replace(/([?&]key=)[^&\s"'#]*/g, '$1REDACTED');
}
