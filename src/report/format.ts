/** How numbers read on the page: one place, so the text, the tables and the chart labels agree. */
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 12345 -> "12,345" */
export const formatCount = (value: number): string => integer.format(value);

/** 0.1234 -> "12.3%" */
export const formatShare = (share: number): string => `${(share * 100).toFixed(1)}%`;

/** 4.5678 -> "4.57" (stars, 0 to 5) */
export const formatStars = (rating: number): string => rating.toFixed(2);

/** 25 -> "+25" */
export const formatGrowth = (value: number): string => `${value > 0 ? '+' : ''}${formatCount(value)}`;

/** "1 game", "2 games" */
export const plural = (count: number, noun: string, nouns = `${noun}s`): string =>
  `${formatCount(count)} ${count === 1 ? noun : nouns}`;
