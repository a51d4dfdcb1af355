import { describe, expect, it } from 'vitest';
import { redactText, redactUrl } from './redact.js';

describe('redactUrl', () => {
  it('removes key and keeps every other parameter', () => {
    expect(redactUrl('https://api.rawg.io/api/games?key=abc123&page=2&page_size=40')).toBe(
      'https://api.rawg.io/api/games?page=2&page_size=40',
    );
  });
  it('leaves a URL without key untouched', () => {
    expect(redactUrl('https://api.rawg.io/api/games?page=2')).toBe('https://api.rawg.io/api/games?page=2');
  });
});

describe('redactText', () => {
  it('hides every key in free text', () => {
    const text = 'GET http://h/api/games?page=1&key=s3cr3t failed; retry http://h/api/games?key=s3cr3t';
    expect(redactText(text)).not.toContain('s3cr3t');
    expect(redactText(text)).toContain('key=REDACTED');
  });
});
