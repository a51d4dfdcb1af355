import { describe, expect, it } from 'vitest';
import { barLayout, fitText } from './bar-layout.js';

describe('barLayout', () => {
  it('leaves room for the counts at every width from 40 to 200 columns', () => {
    for (let columns = 40; columns <= 200; columns++) {
      const { barsize, labelWidth } = barLayout(columns, 38, 48);
      // The reserve holds the brackets, spaces, counts and status around the label and the bar.
      expect(labelWidth + barsize + 48, `${columns} columns`).toBeLessThanOrEqual(Math.max(columns - 1, 6 + 8 + 48));
      expect(barsize).toBeGreaterThanOrEqual(8);
      expect(labelWidth).toBeGreaterThanOrEqual(6);
    }
  });

  it('gives a wide terminal the full label and a 30-character bar', () => {
    expect(barLayout(200, 38, 48)).toEqual({ barsize: 30, labelWidth: 38 });
  });
});

describe('fitText', () => {
  it('pads short text and cuts long text with an ellipsis, to exactly the width', () => {
    expect(fitText('games', 8)).toBe('games   ');
    expect(fitText('games/snapshot/2024-06-01', 10)).toBe('games/sna…');
  });
});
