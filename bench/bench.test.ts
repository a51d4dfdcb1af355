import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aimsOf } from './lib/aims.js';
import { measureGzip } from './lib/gzip.js';
import { measure } from './lib/measure.js';
import { countByOperation, parseAccessLog } from './lib/access-log.js';
import { benchResultSchema, type BenchResult, type Metrics } from './lib/results.js';
import { formatTable, ratio } from './lib/table.js';

const m = (wallMs: number, apiRequests: number, storeRequests: number, peakRssMb: number): Metrics => ({
  wallMs,
  apiRequests,
  storeRequests,
  peakRssMb,
});

describe('the benchmark table', () => {
  it('gives each baseline figure as a multiple of ours', () => {
    expect(ratio(130_000, 25_000)).toBe('5.2x');
    expect(ratio(2001, 0)).toBe('inf');
    expect(ratio(0, 0)).toBe('-');
    expect(ratio(4000, 100)).toBe('40x');
    expect(ratio(30, 2009)).toBe('0.015x');
  });

  it('puts our figure beside each baseline and its ratio, one row per scenario and metric', () => {
    const table = formatTable({
      scenarios: {
        cold: { ours: m(25_000, 2000, 2009, 120), seed: m(130_000, 2000, 4000, 100), dlt: m(100_000, 2000, 40, 200) },
        rerun: { ours: m(1500, 0, 4, 80), seed: m(9000, 1, 2001, 90) },
        resume: {},
      },
    }).split('\n');
    expect(table[0]!.split(/\s+/)).toEqual(['scenario', 'metric', 'ours', 'seed', 'seed/ours', 'dlt', 'dlt/ours']);
    expect(table).toHaveLength(1 + 3 * 4);
    expect(table[1]!.split(/\s{2,}/)).toEqual(['cold', 'wall (s)', '25.0', '130.0', '5.2x', '100.0', '4.0x']);
    expect(table[6]!.trim().split(/\s{2,}/)).toEqual(['API requests', '0', '1', 'inf', '-', '-']);
    expect(table[9]!.split(/\s{2,}/)).toEqual(['resume', 'wall (s)', '-', '-', '-', '-', '-']);
  });

  it('adds CPU per page, bytes per page and the share of the limit where a scenario recorded them', () => {
    const cold = { ...m(25_000, 2000, 2009, 120), cpuMsPerPage: 3.5, bytesPerPage: 150_000, shareOfLimit: 0.25 };
    const table = formatTable({
      scenarios: {
        cold: { ours: cold, seed: { ...m(130_000, 2000, 4000, 100), cpuMsPerPage: 14 } },
        rerun: {},
        resume: {},
      },
    }).split('\n');
    expect(table).toHaveLength(1 + 7 + 4 + 4);
    expect(table[5]!.trim().split(/\s{2,}/)).toEqual(['CPU (ms/page)', '3.50', '14.00', '4.0x', '-', '-']);
    expect(table[6]!.trim().split(/\s{2,}/)).toEqual(['stored (KB/page)', '150.0', '-', '-', '-', '-']);
    expect(table[7]!.trim().split(/\s{2,}/)).toEqual(['share of limit', '25 %', '-', '-', '-', '-']);
  });
});

describe("the benchmark's aims", () => {
  it('are judged on the measured figures, and a missed one says by how much', () => {
    const result = {
      scenarios: {
        cold: { ours: m(30_000, 2000, 2009, 190), seed: m(160_000, 2000, 4000, 140), dlt: m(50_000, 2000, 40, 160) },
        rerun: { ours: { ...m(1000, 0, 4, 85), partitionStoreRequests: 1 } },
        resume: { ours: m(20_000, 1005, 1014, 180) },
      },
      resume: { ours: { pagesBeforeKill: 995, missingPages: 1005, apiRequestsBeforeKill: 1000 } },
      capped: { capPerSecond: 20, requests: 300, achievedPerSecond: 19.6, shareOfCap: 0.98 },
      memory: { pages: 10_000, wallMs: 150_000, apiRequests: 10_000, peakRssMb: 210 },
    } as unknown as BenchResult;
    const aims = Object.fromEntries(aimsOf(result).map(({ aim, measured, met }) => [aim, { measured, met }]));
    expect(aims['cold ingest >= 8x faster than the seed baseline']).toEqual({
      measured: '5.3x (160.0 s vs 30.0 s)',
      met: false,
    });
    expect(aims['cold ingest >= 2x faster than dlt']).toEqual({ measured: '1.7x (50.0 s vs 30.0 s)', met: false });
    expect(aims['>= 95 % of a 20 requests/s cap']!.met).toBe(true);
    expect(aims['rerun: 0 API requests']!.met).toBe(true);
    expect(aims['rerun: <= 1 store request per partition']!.measured).toMatch(
      /^1 for the partition; 4 in all on the server, 3 of them per run/,
    );
    expect(aims['resume: exactly the missing pages']).toEqual({
      measured: '1005 API requests for 1005 missing pages',
      met: true,
    });
    expect(aims['peak RSS < 150 MB at 10000 pages']).toEqual({ measured: '210 MB', met: false });
  });

  it('judge CPU per page against 4 ms and give the share of the limit', () => {
    const cold = { ours: { ...m(25_000, 2000, 2009, 120), cpuMsPerPage: 4.2, shareOfLimit: 0.25 } };
    const result = { limitPagesPerSecond: 320, scenarios: { cold, rerun: {}, resume: {} } } as unknown as BenchResult;
    const aim = aimsOf(result).find(({ aim }) => aim === 'cold: CPU per page <= 4 ms');
    expect(aim).toEqual({
      aim: 'cold: CPU per page <= 4 ms',
      measured: '4.20 ms; 25 % of the limit of 320 pages/s',
      met: false,
    });
  });
});

describe("versitygw's access log", () => {
  it('yields one request per line, with bucket, operation, key and status', () => {
    const text = [
      'log starts 2026-11-26 14:01:09.425317867 +0000 UTC m=+0.135074588',
      'ak bench-ours [26/November/2026:14:01:19 +0000] 127.0.0.1 ak O0ZT s3_PutObject lake/raw/games/page=00001.json /bench-ours/lake/raw/games/page=00001.json?x-id=PutObject 200 - 0 2 1 1 - aws-sdk-js/3',
      'ak bench-ours [26/November/2026:14:01:19 +0000] 127.0.0.1 ak KWT0 s3_PutObject lake/raw/games/page=00001.json /bench-ours/lake/raw/games/page=00001.json?x-id=PutObject 412 PreconditionFailed 0 2 0 0 - aws-sdk-js/3',
      'ak bench-ours [26/November/2026:14:01:20 +0000] 127.0.0.1 ak YYJ3 s3_ListObjectsV2 - /bench-ours?list-type=2 200 - 0 0 0 0 - aws-sdk-js/3',
    ].join('\n');
    const requests = parseAccessLog(text);
    expect(requests).toEqual([
      { bucket: 'bench-ours', operation: 'PutObject', key: 'lake/raw/games/page=00001.json', status: 200 },
      { bucket: 'bench-ours', operation: 'PutObject', key: 'lake/raw/games/page=00001.json', status: 412 },
      { bucket: 'bench-ours', operation: 'ListObjectsV2', key: '', status: 200 },
    ]);
    expect(countByOperation(requests)).toEqual({ ListObjectsV2: 1, PutObject: 2 });
  });
});

describe('bench/results/latest.json', () => {
  it('has a figure for ours, the seed baseline and dlt in each scenario, CPU per page for the cold runs, and gzip figures for our pages', () => {
    const result = benchResultSchema.parse(
      JSON.parse(readFileSync(join(import.meta.dirname, 'results/latest.json'), 'utf8')),
    );
    expect(result.commit).toMatch(/^[0-9a-f]{40}$/);
    for (const scenario of ['cold', 'rerun', 'resume'] as const) {
      expect(Object.keys(result.scenarios[scenario])).toEqual(expect.arrayContaining(['ours', 'seed', 'dlt']));
    }
    for (const metrics of Object.values(result.scenarios.cold)) expect(metrics!.cpuMsPerPage).toBeGreaterThan(0);
    const gzip = (result as unknown as BenchResult).gzip ?? [];
    expect(gzip.map(({ level }) => level)).toEqual([1, 6]);
    for (const g of gzip) expect(g.gzipBytesPerPage).toBeLessThan(g.bytesPerPage);
  });
});

describe('gzip figures', () => {
  it('time the compression and count the bytes it saves, per page', () => {
    const page = Buffer.from(
      JSON.stringify({
        results: Array.from({ length: 2000 }, (_, id) => ({ id, name: `game ${id}`, rating: id % 5 })),
      }),
    );
    const [fast, dense] = measureGzip([page, page, page], [1, 9]);
    expect(fast!.pages).toBe(3);
    expect(fast!.bytesPerPage).toBe(page.byteLength);
    expect(fast!.gzipBytesPerPage).toBeLessThan(page.byteLength / 3);
    expect(dense!.gzipBytesPerPage).toBeLessThanOrEqual(fast!.gzipBytesPerPage);
    expect(fast!.cpuMsPerPage + dense!.cpuMsPerPage).toBeGreaterThan(0);
  });
});

describe('a measured run', () => {
  it("reads the process's CPU time, which a busy process spends and a sleeping one does not", async () => {
    const run = (code: string) => measure(process.execPath, ['-e', code], { env: {} });
    // Spins until it has used 400 ms of CPU itself, however loaded the machine is.
    const busy = await run('while (process.cpuUsage().user < 400_000);');
    const idle = await run('setTimeout(() => {}, 400);');
    expect(busy.code).toBe(0);
    expect(busy.cpuMs).toBeGreaterThanOrEqual(300);
    expect(idle.cpuMs).toBeLessThan(busy.cpuMs - 200);
  });
});
