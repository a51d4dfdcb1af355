import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CorruptObjectError } from '../errors.js';
import { parseStoredJson } from './stored-json.js';

const schema = z.object({ pages: z.int() });
const bytes = (text: string) => new TextEncoder().encode(text);

describe('parseStoredJson', () => {
  it('reads what the pipeline wrote', () => {
    expect(parseStoredJson(schema, bytes('{"pages":3}'), 'raw/x/_SUCCESS')).toEqual({ pages: 3 });
  });

  it.each([
    ['', 'is empty'],
    ['{"pag', 'is not valid JSON (5 bytes)'],
    ['{"pages":"3"}', 'is not what the pipeline wrote (pages: Invalid input: expected number, received string)'],
  ])('%j: one line naming the key and the way out', (text, problem) => {
    const read = () => parseStoredJson(schema, bytes(text), 'raw/genres/load=snapshot/date=2026-12-01/_manifest.json');
    expect(read).toThrow(CorruptObjectError);
    expect(read).toThrow(
      `lake object raw/genres/load=snapshot/date=2026-12-01/_manifest.json ${problem}: delete it and rerun: the partition is checked again and only its missing pages are fetched`,
    );
  });

  it('says what deleting a run record costs', () => {
    expect(() => parseStoredJson(schema, bytes(''), '_runs/20261201T000000Z-abcdef.json')).toThrow(
      "lake object _runs/20261201T000000Z-abcdef.json is empty: delete it and rerun (the month's spend is the ledger's: it still counts that run's API requests)",
    );
  });
});
