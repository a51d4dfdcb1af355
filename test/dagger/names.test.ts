/**
 * Names `dagger call` can reach. The CLI hides a module function that shares its name with a
 * field of the core API's root (some of them it hides on their own: `pipeline` was one), and it
 * spells arguments word by word with digits apart (`s3Endpoint` is `--s-3-endpoint`). The core
 * fields come from the pinned @dagger.io/dagger client; the calls the README and docs/ show are
 * matched against the module as the SDK's introspector reads it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { callProblems, documentedCalls, shellWords, type DocumentedCall } from './calls.js';
import {
  CLI_HIDDEN_FIELDS,
  cliName,
  coreRootFields,
  plainKebab,
  scanModule,
  type ModuleObject,
  type ModuleScan,
} from './introspect.js';

const root = resolve(import.meta.dirname, '../..');
/** Every page a reader may copy a call from: the README and each document under docs/. */
const documents = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** The module function names that `dagger call` would not offer. */
function hiddenNames(names: string[]): string[] {
  const taken = new Set([...coreRootFields(), ...CLI_HIDDEN_FIELDS].map(cliName));
  return names.filter((name) => taken.has(cliName(name)));
}

let scan: ModuleScan;
let object: ModuleObject;
beforeAll(async () => {
  scan = await scanModule();
  object = scan.objects.GameMarketPipeline!;
});

describe('function names', () => {
  it('reads the core fields from the pinned client', () => {
    const fields = coreRootFields();
    expect(fields).toEqual(
      expect.arrayContaining([
        'container',
        'directory',
        'cacheVolume',
        'setSecret',
        'function',
        'module',
        'host',
        'version',
      ]),
    );
    expect(fields.length).toBeGreaterThan(30);
  });

  it('flags a function named like a core field or one the CLI hides', () => {
    expect(hiddenNames(['pipeline', 'ingest', 'with', 'cacheVolume', 'container', 'host', 'module', 'plan'])).toEqual([
      'pipeline',
      'with',
      'cacheVolume',
      'container',
      'host',
      'module',
    ]);
  });

  it('gives no module function such a name', () => {
    expect(hiddenNames(Object.keys(object.methods))).toEqual([]);
  });
});

describe('argument names', () => {
  it('spells names as the engine does', () => {
    expect(cliName('s3Endpoint')).toBe('s-3-endpoint');
    expect(cliName('apiKey')).toBe('api-key');
    expect(cliName('awsSecretAccessKey')).toBe('aws-secret-access-key');
    expect(cliName('URLValue')).toBe('url-value');
  });

  it('reads on the command line as it is written: every flag and function spelled as a reader would', () => {
    const names = [
      ...Object.keys(object._constructor?.arguments ?? {}),
      ...Object.values(object.methods).flatMap((fn) => [fn.name, ...Object.keys(fn.arguments)]),
    ];
    expect(names.length).toBeGreaterThan(30);
    expect(names.filter((name) => cliName(name) !== plainKebab(name))).toEqual([]);
  });
});

/**
 * Text the CLI shows in --help. The CLI reads the first word in backticks of an argument's
 * description as the value's name (a range of `updated` days showed as --from updated), and prints
 * other markup as it is.
 */
const MARKUP = /`|\*\*|<[A-Za-z/][^>]*>|\]\(/;

describe('help text', () => {
  /** Every description the engine registers: the object, its constructor, functions, arguments, enums and their values. */
  function descriptions(): Array<[string, string]> {
    const described = (where: string, item: { description?: string }): Array<[string, string]> => [
      [where, item.description ?? ''],
    ];
    const args = (where: string, list: Record<string, { description?: string }>) =>
      Object.entries(list).flatMap(([name, arg]) => described(`${where} --${cliName(name)}`, arg));
    return [
      ...described('the module', object),
      ...args('the constructor', object._constructor?.arguments ?? {}),
      ...Object.values(object.methods).flatMap((fn) => [
        ...described(cliName(fn.name), fn),
        ...args(cliName(fn.name), fn.arguments),
      ]),
      ...Object.entries(scan.enums).flatMap(([name, item]) => [
        ...described(name, item),
        ...Object.values(item.values).flatMap((value) => described(`${name}.${value.name}`, value)),
      ]),
    ];
  }

  it('reads every description the CLI shows', () => {
    const texts = descriptions();
    expect(texts.length).toBeGreaterThan(40);
    expect(texts.filter(([, text]) => text.length > 0).length).toBeGreaterThan(30);
    expect(texts.find(([where]) => where === 'plan --from')![1]).toMatch(/first day/i);
  });

  it('holds no backticks or other markup the CLI would show as a value name or as it is', () => {
    expect(descriptions().filter(([, text]) => MARKUP.test(text))).toEqual([]);
  });

  it('would catch the markup that showed as --from updated', () => {
    expect(MARKUP.test('First day of a range of `updated` days.')).toBe(true);
    expect(MARKUP.test('REGISTRY/game-market-pipeline/ingest:<tag>')).toBe(true);
    expect(MARKUP.test('e.g. dagger call run-pipeline export --path .')).toBe(false);
  });
});

describe('the documented dagger calls', () => {
  let calls: (DocumentedCall & { document: string })[];
  beforeAll(() => {
    calls = documents.flatMap((document) =>
      documentedCalls(readFileSync(join(root, document), 'utf8')).map((call) => ({ ...call, document })),
    );
  });

  it('finds them in code blocks and in running text, in docs/operations.md at least', () => {
    expect(calls.filter((c) => c.inBlock).length).toBeGreaterThanOrEqual(10);
    expect(calls.filter((c) => !c.inBlock).length).toBeGreaterThanOrEqual(1);
    expect(calls.filter((c) => c.document === 'docs/operations.md').map((c) => c.words[0])).toContain('run-pipeline');
  });

  it('uses only functions and flags the module has, with values of the right kind', () => {
    const wrong = calls.flatMap((call) =>
      callProblems(call.words, scan, { complete: call.inBlock }).map((p) => `${call.document}: ${call.command}: ${p}`),
    );
    expect(wrong).toEqual([]);
  });

  it('would catch the calls the module no longer takes', () => {
    const problems = (command: string) => callProblems(shellWords(command), scan, { complete: true });
    expect(problems('pipeline export --path .')).toEqual(['the module has no function pipeline']);
    expect(problems('with-lake --s-3-endpoint http://m:9000 ingest')).toEqual(['with-lake takes no --s-3-endpoint']);
    expect(problems('with-api --api-key plain ingest --mode weekly')).toEqual([
      'with-api --api-key takes a secret reference such as env://NAME',
      'ingest --mode takes one of snapshot, updated, daily',
    ]);
    expect(problems('transform')).toEqual(['transform needs --target']);
    expect(problems('run-pipeline export --path . --wipe true')).toEqual([]);
    expect(problems('run-pipeline export --into .')).toEqual(['Directory.export takes no --into']);
    expect(problems('ingest-image terminal')).toEqual([]);
    expect(problems('plan stdout')).toEqual(['plan returns no object to call stdout on']);
  });
});
