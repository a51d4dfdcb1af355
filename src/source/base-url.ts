import { ConfigError } from '../errors.js';
import { redactText, redactUrl } from './redact.js';

/**
 * The API base URL, parsed, once it is known to be an http(s) URL: anything else is a usage error,
 * never retried. `given` names where the URL came from in the message.
 */
export function parseBaseUrl(text: string, given = 'the API base URL'): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${given} "${redactText(text)}" is not a URL: use e.g. https://api.rawg.io/api`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(
      `${given} ${redactUrl(text)} is not http:// or https://: the RAWG API is served over HTTP(S), e.g. https://api.rawg.io/api`,
    );
  }
  return url;
}
