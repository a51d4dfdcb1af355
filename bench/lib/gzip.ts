import { gzipSync } from 'node:zlib';

/** What storing pages gzipped would cost and save, at one compression level. */
export interface GzipFigures {
  level: number;
  pages: number;
  /** CPU (user + system) this process spent compressing, per page. */
  cpuMsPerPage: number;
  /** Bytes a page takes as stored now, and gzipped. */
  bytesPerPage: number;
  gzipBytesPerPage: number;
}

/** Compresses each page once per level, timing only the compression, in this process. */
export function measureGzip(pages: Uint8Array[], levels: number[]): GzipFigures[] {
  if (pages.length === 0) throw new Error('no pages to compress');
  const raw = pages.reduce((sum, page) => sum + page.byteLength, 0);
  return levels.map((level) => {
    let compressed = 0;
    const before = process.cpuUsage();
    for (const page of pages) compressed += gzipSync(page, { level }).byteLength;
    const { user, system } = process.cpuUsage(before);
    return {
      level,
      pages: pages.length,
      cpuMsPerPage: round((user + system) / 1000 / pages.length),
      bytesPerPage: Math.round(raw / pages.length),
      gzipBytesPerPage: Math.round(compressed / pages.length),
    };
  });
}

const round = (value: number) => Math.round(value * 100) / 100;
