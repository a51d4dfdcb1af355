import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelsIn } from './dbt-models.js';
import { GENERATED_DIR } from './generate-sources.js';
import { dbtDir } from '../paths.js';

const folders = readdirSync(join(dbtDir, 'models'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const handWritten = folders.filter((folder) => `models/${folder}` !== GENERATED_DIR);

/**
 * The models a property file describes and the models its unit tests test, read from the block
 * style every yml of the project is written in (a YAML parse of them all costs the unit tier a
 * second). An entry written any other way is counted in neither, and fails the checks below.
 */
function declared(
  folder: string,
  file: string,
): { models: (string | undefined)[]; unitTests: number; tested: string[] } {
  const sections = readFileSync(join(dbtDir, 'models', folder, file), 'utf8').split(/^(?=[a-z_]+:)/m);
  const section = (key: string) => sections.find((text) => text.startsWith(`${key}:`)) ?? '';
  const values = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((match) => match[1]!);
  // Each entry of a list opens with "  - ": its name when it starts with one (block style), else undefined.
  const entries = (text: string) => values(text, /^ {2}- (.*)$/gm).map((entry) => /^name: (\S+)$/.exec(entry)?.[1]);
  const unitTests = section('unit_tests');
  return {
    models: entries(section('models')),
    unitTests: entries(unitTests).length,
    tested: values(unitTests, /^ {4}model: (\S+)$/gm),
  };
}

describe('the dbt project lays out its models', () => {
  it('lists the models of a folder from its SQL files', () => {
    expect(modelsIn('marts')).toEqual(
      expect.arrayContaining(['dim_games', 'fct_game_versions', 'mart_top_rated_games']),
    );
    expect(modelsIn('marts')).not.toContain('stg_games');
    expect(modelsIn('staging')).toContain('stg_games');
  });

  it.each(handWritten)('with a yml beside each model of %s/ that describes it and unit-tests only it', (folder) => {
    const models = modelsIn(folder);
    expect(models.length).toBeGreaterThan(0);
    for (const model of models) {
      const { models: described, unitTests, tested } = declared(folder, `${model}.yml`);
      expect(described, `${folder}/${model}.yml`).toEqual([model]);
      expect(tested, `${folder}/${model}.yml: the model of each unit test`).toEqual(
        Array<string>(unitTests).fill(model),
      );
    }
    const ymls = readdirSync(join(dbtDir, 'models', folder)).filter(
      (name) => name.endsWith('.yml') && !name.endsWith('__sources.yml'),
    );
    expect(ymls.sort(), `${folder}/: a yml per model, and sources`).toEqual(models.map((model) => `${model}.yml`));
  });
});
