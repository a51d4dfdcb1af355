import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPORT_MARTS } from './warehouse.js';

describe('the marts the report reads', () => {
  it('are models of dbt/models/marts/', () => {
    const marts = readdirSync(new URL('../../dbt/models/marts/', import.meta.url)).filter((name) =>
      name.endsWith('.sql'),
    );
    expect(REPORT_MARTS.filter((mart) => !marts.includes(`${mart}.sql`))).toEqual([]);
  });

  it('are each read by the report, and no other is', () => {
    // Table names in market-data.ts are written m('<mart>'), or given as { mart: '<mart>' }.
    const source = readFileSync(new URL('./market-data.ts', import.meta.url), 'utf8');
    const read = new Set([...source.matchAll(/\bm\('(\w+)'\)|\bmart: '(\w+)'/g)].map((match) => match[1] ?? match[2]!));
    expect([...read].sort()).toEqual([...REPORT_MARTS].sort());
  });
});
