const SHOW_CURSOR = '\x1b[?25h';

/**
 * A progress bar hides the terminal's cursor and shows it again when it stops; this shows it
 * however the process ends first (process.exit from an error handler, a second Ctrl-C).
 * Returns the function that drops the hook once the bar has stopped normally.
 */
export function showCursorOnExit(stream: NodeJS.WriteStream): () => void {
  const show = () => {
    if (stream.isTTY) stream.write(SHOW_CURSOR);
  };
  process.once('exit', show);
  return () => process.off('exit', show);
}
