import { describe, expect, it } from 'vitest';
import { Redactor, redactText, redactUrl } from './redact.js';

const KEY = 'feedface0123456789abcdeffeedface';

describe('redactUrl', () => {
  it('removes key and keeps every other parameter', () => {
    expect(redactUrl('https://api.rawg.io/api/games?key=abc123&page=2&page_size=40')).toBe(
      'https://api.rawg.io/api/games?page=2&page_size=40',
    );
  });
  it('leaves a URL without key or credentials untouched', () => {
    expect(redactUrl('https://api.rawg.io/api/games?page=2')).toBe('https://api.rawg.io/api/games?page=2');
  });
  it('removes credentials', () => {
    expect(redactUrl('http://admin:pw@127.0.0.1:8080/api')).toBe('http://127.0.0.1:8080/api');
  });
});

describe('redactText', () => {
  it('hides every key= value and keeps the text after it', () => {
    const text = `the API refused the request (401: Invalid request http://h/api/genres?page=1&key=${KEY}): check RAWG_API_KEY`;
    expect(redactText(text)).toBe(
      'the API refused the request (401: Invalid request http://h/api/genres?page=1&key=REDACTED): check RAWG_API_KEY',
    );
  });
  it('removes the credentials of every URL in the text', () => {
    expect(redactText('TypeError: cannot fetch http://admin:pw@host/api/games, then https://u@other/x')).toBe(
      'TypeError: cannot fetch http://host/api/games, then https://other/x',
    );
  });
});

describe('Redactor', () => {
  const redactor = new Redactor([KEY, 'p@ss/word:1', undefined, '']);

  it('hides a secret as a bare value, URL-encoded or JSON-escaped, keeping the text around it', () => {
    expect(redactor.text(`no such key ${KEY}.`)).toBe('no such key REDACTED.');
    expect(redactor.text(`auth=${encodeURIComponent('p@ss/word:1')}; then`)).toBe('auth=REDACTED; then');
  });

  it('replaces secrets in stored bytes and leaves other bytes as they were', () => {
    const page = Buffer.from(JSON.stringify({ results: [{ name: 'é', seen: `http://h/x?key=${KEY}`, key: KEY }] }));
    const stored = Buffer.from(redactor.bytes(page)).toString('utf8');
    expect(JSON.parse(stored)).toEqual({ results: [{ name: 'é', seen: 'http://h/x?key=REDACTED', key: 'REDACTED' }] });
    const clean = Buffer.from('{"results":[]}');
    expect(Buffer.from(redactor.bytes(clean)).equals(clean)).toBe(true);
  });

  const base64 = (text: string) => Buffer.from(text).toString('base64');
  const urlSafe = (text: string) => base64(text).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
  // A key whose base64 holds '+' and '/' (">>>" is "Pj4+", "???" is "Pz8/"), so the two alphabets differ.
  const ODD_KEY = 'key>>>???0123456789abcdef';
  const odd = new Redactor([ODD_KEY]);
  const encodings = [
    ['hex', (text: string) => Buffer.from(text).toString('hex')],
    ['HEX', (text: string) => Buffer.from(text).toString('hex').toUpperCase()],
    ['base64', base64],
    ['base64 without padding', (text: string) => base64(text).replace(/=+$/, '')],
    ['URL-safe base64', urlSafe],
    ['URL-safe base64 with padding', (text: string) => base64(text).replaceAll('+', '-').replaceAll('/', '_')],
  ] as const;

  it.each(encodings)('hides the key as %s, in text and in stored bytes', (_, encode) => {
    expect(base64(ODD_KEY)).toMatch(/[+/]/);
    for (const [hider, key] of [
      [redactor, KEY],
      [odd, ODD_KEY],
    ] as const) {
      const echoed = `{"detail":"bad key ${encode(key)} given"}`;
      expect(hider.text(echoed)).toBe('{"detail":"bad key REDACTED given"}');
      expect(Buffer.from(hider.bytes(Buffer.from(echoed))).toString()).toBe('{"detail":"bad key REDACTED given"}');
    }
  });

  it.each([0, 1, 2, 3, 4, 5])('hides the key inside a longer base64 text, %i bytes after its start', (before) => {
    const after = '&scope=all';
    for (const [encode, name] of [
      [base64, 'standard'],
      [urlSafe, 'URL-safe'],
    ] as const) {
      const token = encode(`${'u:pass'.slice(0, before)}${ODD_KEY}${after}`);
      const stored = Buffer.from(odd.bytes(Buffer.from(`{"token":"${token}"}`))).toString();
      const [head, tail] = stored
        .replace(/^\{"token":"/, '')
        .replace(/"\}$/, '')
        .split('REDACTED');
      // Left around the hole: the text around the key, and at most the 2 or 3 characters it shares with it.
      expect(head!.length, name).toBeLessThanOrEqual(Math.ceil((before * 4) / 3) + 1);
      expect(tail!.length, name).toBeLessThanOrEqual(base64(after).length + 2);
      expect(odd.text(token), name).toBe(stored.slice(10, -2));
    }
  });

  it('replaces overlapping echoes as one', () => {
    // The key starts and ends with "feedface": twice, sharing those 8 bytes, it holds the key's hex twice, overlapping.
    const echoed = `[${Buffer.from(KEY + KEY.slice(8)).toString('hex')}]`;
    const hex = Buffer.from(KEY).toString('hex');
    expect(echoed.indexOf(hex, 2)).toBeLessThan(1 + hex.length);
    expect(Buffer.from(redactor.bytes(Buffer.from(echoed))).toString()).toBe('[REDACTED]');
  });

  it('does not search for short values, which would collide with ordinary words', () => {
    expect(new Redactor(['sandbox']).text('the built-in sandbox')).toBe('the built-in sandbox');
  });

  it('redacts an error in place, keeping its class', () => {
    class Refused extends Error {}
    const error = redactor.error(new Refused(`bad key ${KEY}`));
    expect(error).toBeInstanceOf(Refused);
    expect(error.message).toBe('bad key REDACTED');
  });
});
