/**
 * Text widths for laying out charts in Node, where Vega has no canvas to measure text and falls
 * back to 0.8 em per character: twice the real width of most text, so labels get cut short and
 * plots squeezed. This estimate is per character class, in em, sized for the wide sans-serif fonts
 * browsers fall back on (DejaVu Sans, Verdana); narrower fonts only leave a little spare room.
 */
const NARROW = new Set([...`iljtfrI.,:;'!|()[] `]);
const WIDE = new Set([...'mwMW@%']);

function charWidth(char: string): number {
  if (NARROW.has(char)) return 0.36;
  if (WIDE.has(char)) return 0.92;
  if (/[0-9]/.test(char)) return 0.64;
  if (/[A-Z]/.test(char)) return 0.72;
  if (/[a-z]/.test(char)) return 0.6;
  // Punctuation, symbols and other scripts (CJK is about 1 em).
  return char.codePointAt(0)! > 0x2e80 ? 1 : 0.66;
}

export function estimateTextWidth(text: string, fontSize: number, bold = false): number {
  let ems = 0;
  for (const char of text) ems += charWidth(char);
  return ems * fontSize * (bold ? 1.08 : 1);
}
