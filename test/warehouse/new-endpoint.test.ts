import { loadEndpoints } from '../../src/config/load.js';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEndpointsPath } from '../../src/paths.js';
import { generateDbtSources } from '../../src/transform/generate-sources.js';
import { runLines } from '../../src/transform/process.js';
import { duckdbExtensionDir } from '../../src/transform/settings.js';
import { venvDbt } from '../../src/transform/venv.js';
import { cleanEnv, runGmp } from '../support/gmp.js';
import { onePage, writePage } from './support/pages.js';
import { dbtDir, query } from './support/warehouse.js';

describe('an endpoint added to endpoints.json', () => {
  let workDir: string;
  let endpointsPath: string;

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'gmp-new-endpoint-'));
    const config = JSON.parse(readFileSync(defaultEndpointsPath, 'utf8'));
    config.endpoints.push({ name: 'creators', path: 'creators' });
    delete config.$schema;
    endpointsPath = join(workDir, 'endpoints.json');
    writeFileSync(endpointsPath, JSON.stringify(config));
  });

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('makes gmp generate --check fail in one line until the command is run', async () => {
    const stale = await runGmp(['generate', '--check'], cleanEnv({ GMP_ENDPOINTS: endpointsPath }));
    expect(stale.code).toBe(1);
    expect(stale.stderr.trim()).toBe(
      'gmp: generated files are stale (dbt/models/base/_lake__sources.yml, dbt/models/base/_base__models.yml, dbt/models/base/base_creators.sql, dbt/models/lake_status/_lake_freshness__sources.yml): run gmp generate and commit the result',
    );
    const current = await runGmp(['generate', '--check'], cleanEnv());
    expect(current.code).toBe(0);
    expect(current.stdout).toBe('generated files are up to date\n');
  });

  it('gets a source and a base model that dbt builds from the lake, with no other edit', async () => {
    const project = join(workDir, 'dbt');
    cpSync(dbtDir, project, { recursive: true, filter: (path) => !/\/(target|logs)$/.test(path) });
    generateDbtSources({ dbtDir: project, endpoints: loadEndpoints(endpointsPath) });

    const lakeDir = join(workDir, 'lake');
    const creator = (id: number) => ({
      id,
      name: `Creator ${id}`,
      slug: `creator-${id}`,
      image: null,
      games_count: 3,
      positions: [],
    });
    writePage(
      lakeDir,
      { endpoint: 'creators', load: 'snapshot', date: '2024-06-01', page: 1, complete: false },
      { ...onePage([creator(1), creator(2)]), count: 3, next: 'https://api.example/api/creators?page=2' },
    );
    writePage(
      lakeDir,
      { endpoint: 'creators', load: 'snapshot', date: '2024-06-01', page: 2, complete: true },
      { ...onePage([creator(3)]), count: 3, previous: 'https://api.example/api/creators' },
    );

    const warehouse = join(workDir, 'game_market.duckdb');
    const result = await runLines(
      venvDbt,
      [
        'build',
        '--project-dir',
        project,
        '--profiles-dir',
        project,
        '--select',
        'source:lake.creators',
        'base_creators',
      ],
      {
        env: cleanEnv({
          DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
          LAKE_URL: `file://${lakeDir}`,
          WAREHOUSE_PATH: warehouse,
          DUCKDB_EXTENSION_DIRECTORY: duckdbExtensionDir,
        }),
      },
    );
    expect(result.exitCode, result.tail.join('\n')).toBe(0);
    const rows = await query(
      warehouse,
      "select partition_load, partition_date, item ->> 'name' as name from base_creators order by name",
    );
    expect(rows).toEqual([
      { partition_load: 'snapshot', partition_date: '2024-06-01', name: 'Creator 1' },
      { partition_load: 'snapshot', partition_date: '2024-06-01', name: 'Creator 2' },
      { partition_load: 'snapshot', partition_date: '2024-06-01', name: 'Creator 3' },
    ]);
  }, 180_000);
});
