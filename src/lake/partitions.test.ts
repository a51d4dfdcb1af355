import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalStore } from './local.js';
import { dayRanges, readablePartitions } from './partitions.js';

describe('dayRanges', () => {
  it('folds consecutive days into runs, across month and year ends', () => {
    expect(
      dayRanges(['2024-03-01', '2024-02-28', '2024-02-29', '2024-03-03', '2024-12-31', '2025-01-01', '2024-03-01']),
    ).toEqual([
      ['2024-02-28', '2024-03-01'],
      ['2024-03-03', '2024-03-03'],
      ['2024-12-31', '2025-01-01'],
    ]);
    expect(dayRanges([])).toEqual([]);
  });
});

describe('readablePartitions on a local lake', () => {
  const lakeDir = mkdtempSync(join(tmpdir(), 'gmp-lake-partitions-'));
  afterAll(() => rmSync(lakeDir, { recursive: true, force: true }));
  const put = (key: string) => {
    mkdirSync(dirname(join(lakeDir, key)), { recursive: true });
    writeFileSync(join(lakeDir, key), '{}');
  };

  const closed = {
    developers: { snapshot: [['2024-06-01', '2024-06-01']] },
    games: { updated: [['2024-05-30', '2024-05-31']] },
    tags: { snapshot: [['2024-06-01', '2024-06-01']] },
  };

  it('names only partitions whose own _SUCCESS is written: not an open backfill whose windows are partly done', async () => {
    put('raw/games/load=updated/date=2024-05-30/page=00001.json');
    put('raw/games/load=updated/date=2024-05-30/_SUCCESS');
    put('raw/games/load=updated/date=2024-05-31/page=00001.json');
    put('raw/games/load=updated/date=2024-05-31/_SUCCESS');
    put('raw/games/load=updated/date=2024-06-01/page=00001.json');
    put('raw/games/load=snapshot/date=2024-06-01/window=updated~2010-01-01~2011-06-30/page=00001.json');
    put('raw/games/load=snapshot/date=2024-06-01/window=updated~2010-01-01~2011-06-30/_SUCCESS');
    put('raw/tags/load=snapshot/date=2024-06-01/page=00001.json');
    put('raw/tags/load=snapshot/date=2024-06-01/_SUCCESS');
    // Deeper than the API serves and closed with what it serves: read, though never complete.
    put('raw/developers/load=snapshot/date=2024-06-01/page=00001.json');
    put('raw/developers/load=snapshot/date=2024-06-01/_capped.json');
    expect((await readablePartitions(new LocalStore(lakeDir))).closed).toEqual(closed);
  });

  it('names as compacted only closed partitions whose compaction marker is written, not parts without one', async () => {
    put('compact/games/load=updated/date=2024-05-30/part-00000.parquet');
    put('compact/games/load=updated/date=2024-05-30/_SUCCESS');
    // A compaction cut short: a part, no marker.
    put('compact/games/load=updated/date=2024-05-31/part-00000.parquet');
    put('compact/tags/load=snapshot/date=2024-06-01/_SUCCESS');
    const readable = await readablePartitions(new LocalStore(lakeDir));
    expect(readable.closed).toEqual(closed);
    expect(readable.compacted).toEqual({
      games: { updated: [['2024-05-30', '2024-05-30']] },
      tags: { snapshot: [['2024-06-01', '2024-06-01']] },
    });
    // Capped is closed, never complete: it cannot prove a game gone.
    expect(readable.complete).toEqual({
      games: { updated: [['2024-05-30', '2024-05-31']] },
      tags: { snapshot: [['2024-06-01', '2024-06-01']] },
    });
  });
});
