/** What a bar line needs besides its label: brackets, spaces, counts up to "99999/99999 pages". */
const COUNTS_WIDTH = 24;

export interface BarLayout {
  /** Characters of the bar itself. */
  barsize: number;
  /** Characters left for the label before the bar. */
  labelWidth: number;
}

/**
 * Sizes a bar line to the terminal, so that nothing up to the counts is ever cut: the terminal
 * library cuts what passes the width, and "160/500" cut reads "160/50". What follows the counts
 * (a status word) may be cut.
 */
export function barLayout(columns: number | undefined, widestLabel: number, reserved = COUNTS_WIDTH): BarLayout {
  const width = (columns || 80) - 1;
  const barsize = Math.max(8, Math.min(30, width - reserved - widestLabel));
  const labelWidth = Math.max(6, Math.min(widestLabel, width - reserved - barsize));
  return { barsize, labelWidth };
}

/** The text at exactly `width` characters: padded, or cut with an ellipsis. */
export function fitText(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, Math.max(0, width - 1))}…`;
}
