import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { parseLakeUrl } from './url.js';

describe('parseLakeUrl', () => {
  it('reads a file:// lake as the directory written', () => {
    expect(parseLakeUrl('file://./.lake')).toEqual({ kind: 'file', dir: './.lake' });
    expect(parseLakeUrl('file:///data/lake/')).toEqual({ kind: 'file', dir: '/data/lake/' });
  });

  it('reads an s3:// lake as bucket and prefix without outer slashes', () => {
    expect(parseLakeUrl('s3://game-lake')).toEqual({ kind: 's3', bucket: 'game-lake', prefix: '' });
    expect(parseLakeUrl('s3://game-lake/prod/raw-zone/')).toEqual({
      kind: 's3',
      bucket: 'game-lake',
      prefix: 'prod/raw-zone',
    });
  });

  it('refuses anything else in one line, never echoing credentials', () => {
    expect(() => parseLakeUrl('http://example.com/lake')).toThrow(ConfigError);
    expect(() => parseLakeUrl('s3://Bad_Bucket')).toThrow(/is not a lake/);
    expect(() => parseLakeUrl('file://')).toThrow(/names no directory/);
    expect(() => parseLakeUrl('s3://user:secret@bucket')).toThrow(/a URL with credentials/);
    expect(() => parseLakeUrl('s3://user:secret@bucket')).not.toThrow(/secret/);
  });
});
