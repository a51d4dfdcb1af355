import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { modelsIn } from './dbt-models.js';
import { GENERATED_DIR } from './generate-sources.js';
import { dbtDir } from './settings.js';

interface PropertiesFile {
  models?: { name: string }[];
  unit_tests?: { name: string; model: string }[];
}

const folders = readdirSync(join(dbtDir, 'models'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const handWritten = folders.filter((folder) => `models/${folder}` !== GENERATED_DIR);

const read = (folder: string, file: string) => parse(readFileSync(join(dbtDir, 'models', folder, file), 'utf8')) as PropertiesFile;

describe('the dbt project lays out its models', () => {
  it('lists the models of a folder from its SQL files', () => {
    expect(modelsIn('marts')).toEqual(expect.arrayContaining(['dim_games', 'fct_game_versions', 'mart_top_rated_games']));
    expect(modelsIn('marts')).not.toContain('stg_games');
    expect(modelsIn('staging')).toContain('stg_games');
  });

  it.each(handWritten)('with a yml beside each model of %s/ that describes it and unit-tests only it', (folder) => {
    const models = modelsIn(folder);
    expect(models.length).toBeGreaterThan(0);
    for (const model of models) {
      const file = read(folder, `${model}.yml`);
      expect(
        file.models?.map((entry) => entry.name),
        `${folder}/${model}.yml`,
      ).toEqual([model]);
      expect(
        (file.unit_tests ?? []).filter((test) => test.model !== model).map((test) => test.name),
        `${folder}/${model}.yml`,
      ).toEqual([]);
    }
    const ymls = readdirSync(join(dbtDir, 'models', folder)).filter((name) => name.endsWith('.yml') && !name.endsWith('__sources.yml'));
    expect(ymls.sort(), `${folder}/: a yml per model, and sources`).toEqual(models.map((model) => `${model}.yml`));
  });
});
