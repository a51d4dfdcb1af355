import { describe, expect, it } from 'vitest';
import { PageBuffers } from './page-buffers.js';

describe('PageBuffers', () => {
  it('lends a buffer given back to the next page that fits in it, and a new one while it is lent', () => {
    const buffers = new PageBuffers();
    const first = buffers.take(100_000);
    expect(first.length).toBe(100_000);
    const second = buffers.take(100_000);
    expect(second.buffer).not.toBe(first.buffer);
    buffers.give(first);
    const third = buffers.take(120_000);
    expect(third.buffer).toBe(first.buffer);
    expect(third.length).toBe(120_000);
  });

  it('takes back only what it lent, and only once', () => {
    const buffers = new PageBuffers();
    const lent = buffers.take(10);
    buffers.give(Buffer.alloc(70_000));
    buffers.give(lent);
    buffers.give(lent);
    const [a, b] = [buffers.take(10), buffers.take(10)];
    expect(a.buffer).toBe(lent.buffer);
    expect(b.buffer).not.toBe(lent.buffer);
  });

  it('never lends a buffer smaller than asked for', () => {
    const buffers = new PageBuffers();
    buffers.give(buffers.take(1000));
    expect(buffers.take(200_000).length).toBe(200_000);
  });
});
