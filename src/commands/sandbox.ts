import { DEFAULT_SANDBOX_GAMES } from '../config/defaults.js';
import { DEFAULT_MAX_RESULTS } from '../sandbox/paging.js';
import { startSandbox } from '../sandbox/server.js';
import { interruptSignal } from './interrupt.js';
import { notice } from '../log.js';
import { defineCommand } from './define.js';

export const sandboxCommand = defineCommand({
  command: 'sandbox',
  describe: 'serve a RAWG-compatible API over a synthetic catalogue (offline runs, tests, benchmarks)',
  builder: (yargs) =>
    yargs
      .option('host', { type: 'string', default: '127.0.0.1' })
      .option('port', { type: 'number', default: 0, describe: '0 takes a free port' })
      .option('games', { type: 'number', default: DEFAULT_SANDBOX_GAMES, describe: 'games in the catalogue' })
      .option('seed', { type: 'number', default: 1 })
      .option('today', { type: 'string', describe: 'the date the catalogue is "as of" (default: today, UTC)' })
      .option('quota', { type: 'number', describe: 'answer "monthly API limit reached" after N requests' })
      .option('max-results', {
        type: 'number',
        default: DEFAULT_MAX_RESULTS,
        describe: 'serve only the first N results of a listing, as RAWG does',
      })
      .option('latency-ms', { type: 'number', default: 0, describe: 'added to every response' })
      .option('latency-spike-rate', { type: 'number', default: 0, describe: 'share of responses delayed 10x more' })
      .option('error-rate', { type: 'number', default: 0, describe: 'share of 5xx answers' })
      .option('rate-429', { type: 'number', default: 0, describe: 'share of 429 answers with Retry-After' })
      .option('retry-after-seconds', { type: 'number', default: 1 })
      .option('truncate-rate', { type: 'number', default: 0, describe: 'share of bodies cut short' })
      .option('edit-rate', {
        type: 'number',
        default: 0,
        describe: 'games edited per page answered (updated moves to now)',
      })
      .option('delete-rate', { type: 'number', default: 0, describe: 'games deleted per page answered' })
      .option('add-rate', { type: 'number', default: 0, describe: 'games added per page answered' })
      .option('updated-filter', {
        choices: ['honoured', 'empty', 'ignored'] as const,
        default: 'honoured' as const,
        describe: 'answer updated= windows as RAWG does, empty, or with the whole catalogue',
      })
      .option('change-day', {
        type: 'string',
        describe: 'edit and delete games updated on this day (YYYY-MM-DD) while any is left',
      })
      .option('add-field', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'add this field to every item ([endpoint:]field; repeatable)',
      })
      .option('drop-field', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'leave this field out of every item ([endpoint:]field; repeatable)',
      })
      .option('retype-field', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: "serve this field's values as another JSON type ([endpoint:]field; repeatable)",
      }),
  handler: async ({
    host,
    port,
    games,
    seed,
    today,
    quota,
    maxResults,
    latencyMs,
    latencySpikeRate,
    errorRate,
    rate429,
    retryAfterSeconds,
    truncateRate,
    editRate,
    deleteRate,
    addRate,
    updatedFilter,
    changeDay,
    addField,
    dropField,
    retypeField,
  }) => {
    const sandbox = await startSandbox({
      host,
      port,
      games,
      seed,
      today,
      quota,
      maxResults,
      latencyMs,
      latencySpikeRate,
      errorRate,
      rate429,
      retryAfterSeconds,
      truncateRate,
      editRate,
      deleteRate,
      addRate,
      updatedFilter,
      changeDay: changeDay ?? null,
      addFields: addField,
      dropFields: dropField,
      retypeFields: retypeField,
    });
    // The first line is the base URL, for scripts that start the sandbox and read where it is.
    process.stdout.write(`${sandbox.url}\n`);
    notice(
      `sandbox: ${games} games, seed ${seed}, at most ${maxResults} results a listing${editRate || deleteRate || addRate ? `, alive (${editRate} edits, ${deleteRate} deletions, ${addRate} additions a page)` : ''}; GET ${new URL(sandbox.url).origin}/__stats for request counts and changes; Ctrl-C stops it`,
      { api: sandbox.url },
    );
    // Any stop signal closes it the same way (a closed terminal too).
    const stop = interruptSignal();
    await new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }));
    await sandbox.close();
  },
});
