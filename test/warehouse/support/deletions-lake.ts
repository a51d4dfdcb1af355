import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onePage, partitionDir, thinGame, writePage } from './pages.js';

/**
 * A games lake, written by hand, in which games vanish: two complete snapshots, the updated
 * partitions around them, and closed or open snapshots that prove nothing. Built in two steps
 * (a build after each), so an incremental sequence can be compared with one full refresh.
 */
export const DELETIONS = {
  firstSnapshot: '2024-06-01',
  secondSnapshot: '2024-06-10',
  /** In both snapshots. */
  kept: 1,
  /** In both snapshots, edited in between. */
  editedBetween: 2,
  /** In the first snapshot; edited on 06-11, after its window of the second was read: absent from it, in the updated partition of its edit. */
  editedAfterWindow: 3,
  /** In the first snapshot only: deleted, last seen 06-01. */
  deleted: 4,
  /** New after the first snapshot (updated 06-05), absent from the second: deleted, last seen 06-05. */
  deletedNew: 5,
} as const;

function game(id: number, day: string, rating: number) {
  return thinGame({
    id,
    name: `Game ${id}`,
    released: '2020-02-02',
    updated: `${day}T09:00:00`,
    rating,
    ratingsCount: 100 * id,
    added: 1_000 * id,
    metacritic: 60 + id,
    genres: [{ id: 4, name: 'Action', slug: 'action' }],
    platforms: [{ id: 4, name: 'PC', slug: 'pc' }],
    stores: [{ id: 1, name: 'Steam', slug: 'steam' }],
  });
}

/** Step 1: the first complete snapshot (games 1–4) and an updated day that edits game 2 and adds game 5. */
export function writeFirstStep(lakeDir: string): void {
  const { firstSnapshot, kept, editedBetween, editedAfterWindow, deleted, deletedNew } = DELETIONS;
  writePage(
    lakeDir,
    { endpoint: 'games', load: 'snapshot', date: firstSnapshot, complete: true },
    onePage([kept, editedBetween, editedAfterWindow, deleted].map((id) => game(id, '2024-05-20', 4.0))),
  );
  writePage(
    lakeDir,
    { endpoint: 'games', load: 'updated', date: '2024-06-05', complete: true },
    onePage([game(editedBetween, '2024-06-05', 3.5), game(deletedNew, '2024-06-05', 4.5)]),
  );
}

/**
 * Step 2: the second complete snapshot lacks games 3, 4 and 5; game 3's edit of 06-11 is in that
 * day's updated partition. A capped snapshot (closed, never complete) and an open one hold game 1
 * alone: neither proves the others gone.
 */
export function writeSecondStep(lakeDir: string): void {
  const { secondSnapshot, kept, editedBetween, editedAfterWindow } = DELETIONS;
  writePage(
    lakeDir,
    { endpoint: 'games', load: 'snapshot', date: secondSnapshot, complete: true },
    onePage([game(kept, '2024-05-20', 4.0), game(editedBetween, '2024-06-05', 3.5)]),
  );
  writePage(
    lakeDir,
    { endpoint: 'games', load: 'updated', date: '2024-06-11', complete: true },
    onePage([game(editedAfterWindow, '2024-06-11', 2.5)]),
  );
  writePage(
    lakeDir,
    { endpoint: 'games', load: 'snapshot', date: '2024-06-20' },
    onePage([game(kept, '2024-05-20', 4.0)]),
  );
  writeFileSync(
    join(partitionDir(lakeDir, 'games', 'snapshot', '2024-06-20'), '_capped.json'),
    JSON.stringify({ count: 90_000, maxResults: 10_000, pages: 1, createdAt: '2024-06-20T12:00:00.000Z' }),
  );
  writePage(
    lakeDir,
    { endpoint: 'games', load: 'snapshot', date: '2024-06-25' },
    onePage([game(kept, '2024-05-20', 4.0)]),
  );
}

/** What dim_games must say of each game after step 2: [game_id, is_deleted, last_seen_on]. */
export const EXPECTED_GAMES: [number, boolean, string][] = [
  [DELETIONS.kept, false, '2024-06-20'],
  [DELETIONS.editedBetween, false, '2024-06-10'],
  [DELETIONS.editedAfterWindow, false, '2024-06-11'],
  [DELETIONS.deleted, true, '2024-06-01'],
  [DELETIONS.deletedNew, true, '2024-06-05'],
];
