/**
 * The README as an entry point and docs/ as the rest: what a reader copies from them must exist.
 * The CLI summary is checked against the built CLI's own --help.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIGURES_END, FIGURES_START } from '../../bench/lib/docs-table.js';
import { cliPath } from '../support/gmp.js';

const root = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const readme = read('README.md');
const documents = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** The commands a `gmp … --help` lists, as `gmp lake <command>` or `gmp lake init`. */
function helpCommands(...args: string[]): string[] {
  const help = execFileSync(process.execPath, [cliPath, ...args, '--help'], { encoding: 'utf8' });
  return [...help.matchAll(/^ {2}(gmp [a-z]+(?: [a-z]+| <command>)?)/gm)].map((m) => m[1]!);
}

/** The rows of the README table under a heading, by their first cell. */
function tableRows(heading: string): string[] {
  const section = readme.split(/^## /m).find((part) => part.startsWith(heading)) ?? '';
  return [...section.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1]!);
}

describe('README.md', () => {
  it('is at most 200 lines and opens with the two commands that work on a fresh machine', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(200);
    const first = /```sh\n([\s\S]*?)```/.exec(readme)![1]!;
    expect(
      first
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('#')[0]!.trim()),
    ).toEqual(['make run', 'make test']);
    const makefile = read('Makefile');
    expect(makefile).toMatch(/^run: setup\b.*\n\t.*\bpipeline$/m);
    expect(makefile).toMatch(/^test: setup\b/m);
  });

  it('summarises every gmp command, one row each', () => {
    const top = helpCommands();
    expect(top).toContain('gmp ingest');
    // Only a command with subcommands is asked for its own list: each CLI start takes a while.
    const withSubcommands = top.flatMap((command) =>
      command.endsWith(' <command>') ? helpCommands(command.split(' ')[1]!) : [command],
    );
    expect(tableRows('The CLI').sort()).toEqual(withSubcommands.sort());
  });

  it('maps folders and files that exist', () => {
    const paths = tableRows('Map of the code').flatMap((cell) => cell.split(/`, `/));
    expect(paths.length).toBeGreaterThanOrEqual(15);
    expect(paths.filter((path) => !existsSync(join(root, path)))).toEqual([]);
  });
});

describe('README.md and docs/', () => {
  it('link only to files that exist', () => {
    const broken = documents.flatMap((document) =>
      [...read(document).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
        .map((m) => m[1]!)
        .filter((target) => !/^[a-z]+:/.test(target))
        .filter((target) => !existsSync(join(root, dirname(document), target)))
        .map((target) => `${document}: ${target}`),
    );
    expect(broken).toEqual([]);
  });

  it('point to nothing outside the repository', () => {
    // The generated figures quote the results files as recorded; the prose is ours.
    const prose = (text: string) => {
      const start = text.indexOf(FIGURES_START);
      return start < 0 ? text : text.slice(0, start) + text.slice(text.indexOf(FIGURES_END));
    };
    const outside = documents.filter((document) => /\bthe issue\b|\bseed design\b/i.test(prose(read(document))));
    expect(outside).toEqual([]);
  });
});
