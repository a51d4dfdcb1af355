/**
 * make bench-docs: rewrites the figures in docs/benchmarks.md from bench/results/*.json.
 *   npx tsx bench/docs-table.ts [--check]
 * --check writes nothing and exits 1 when the page is out of date with the results files.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { renderFigures, withFigures, type ResultsFile } from './lib/docs-table.js';

const root = join(import.meta.dirname, '..');
export const resultsDir = join(root, 'bench/results');
export const benchmarksPage = join(root, 'docs/benchmarks.md');

/** Every committed results file (history.jsonl is the log of runs, not a figure). */
export function readResults(dir = resultsDir): ResultsFile[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .map((name) => ({ name, json: JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown }));
}

/** The page as it should read now. */
export function expectedPage(page = readFileSync(benchmarksPage, 'utf8'), files = readResults()): string {
  return withFigures(page, renderFigures(files));
}

if (process.argv[1] === import.meta.filename) {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  try {
    const page = readFileSync(benchmarksPage, 'utf8');
    const expected = expectedPage(page);
    if (values.check) {
      if (expected !== page) {
        process.stderr.write('docs/benchmarks.md is out of date with bench/results: run make bench-docs\n');
        process.exitCode = 1;
      }
    } else if (expected !== page) {
      writeFileSync(benchmarksPage, expected);
      process.stdout.write('docs/benchmarks.md: figures rewritten from bench/results\n');
    } else {
      process.stdout.write('docs/benchmarks.md: figures already match bench/results\n');
    }
  } catch (error) {
    process.stderr.write(`bench-docs: ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}
