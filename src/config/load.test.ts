import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { endpointsJsonSchema } from './json-schema.js';
import { defaultEndpointsPath } from '../paths.js';
import { findEndpoint, loadEndpoints } from './load.js';

const committed = JSON.parse(readFileSync(defaultEndpointsPath, 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'gmp-config-'));

function loadVariant(edit: (config: typeof committed) => void): () => unknown {
  const config = structuredClone(committed);
  edit(config);
  const path = join(dir, `endpoints-${Math.random().toString(16).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(config));
  return () => loadEndpoints(path);
}

describe('config/endpoints.json', () => {
  it('loads, with the endpoints the pipeline ingests', () => {
    const file = loadEndpoints();
    expect(file.endpoints.map((e) => e.name)).toEqual([
      'games',
      'genres',
      'platforms',
      'parent_platforms',
      'stores',
      'publishers',
      'developers',
      'tags',
      'game_details',
    ]);
    expect(findEndpoint(file, 'game_details')).toMatchObject({ path: 'games/{id}', perItemOf: 'games' });
    expect(findEndpoint(file, 'parent_platforms').path).toBe('platforms/lists/parents');
    expect(findEndpoint(file, 'games').updatedFilter).toBe('updated');
    expect(file.source.pageSize).toBe(40);
    expect(file.source.monthlyRequestBudget).toBe(20000);
  });

  it('has a committed JSON Schema equal to the one generated from the zod schema (run `gmp generate`)', () => {
    expect(readFileSync(join(import.meta.dirname, '../../config/endpoints.schema.json'), 'utf8')).toBe(
      endpointsJsonSchema(),
    );
  });

  it.each([
    ['source.baseUrl', (c: typeof committed) => (c.source.baseUrl = 'not a url')],
    ['source.pageSize', (c: typeof committed) => (c.source.pageSize = 41)],
    ['source.requestsPerSecond', (c: typeof committed) => (c.source.requestsPerSecond = 0)],
    ['source.concurrency', (c: typeof committed) => (c.source.concurrency = 1.5)],
    ['source.requestTimeoutMs', (c: typeof committed) => (c.source.requestTimeoutMs = 'fast')],
    // Past Node's timer limit every request would time out at once.
    ['source.requestTimeoutMs', (c: typeof committed) => (c.source.requestTimeoutMs = 3e9)],
    ['source.requestsPerSecond', (c: typeof committed) => (c.source.requestsPerSecond = 1e-9)],
    ['source.maxResults', (c: typeof committed) => (c.source.maxResults = 10)],
    ['endpoints.5.refreshDays', (c: typeof committed) => (c.endpoints[5].refreshDays = 0)],
    ['source.retries', (c: typeof committed) => (c.source.retries = -1)],
    ['source.monthlyRequestBudget', (c: typeof committed) => delete c.source.monthlyRequestBudget],
    ['source.colour', (c: typeof committed) => (c.source.colour = 'red')],
    ['endpoints.2.name', (c: typeof committed) => (c.endpoints[2].name = 'Platforms')],
    ['endpoints.3.path', (c: typeof committed) => (c.endpoints[3].path = '/platforms/lists/parents/')],
    ['endpoints.0.updatedFilter', (c: typeof committed) => (c.endpoints[0].updatedFilter = 'added')],
    ['endpoints.1.name', (c: typeof committed) => (c.endpoints[1].name = 'games')],
    ['endpoints', (c: typeof committed) => (c.endpoints = [])],
    ['endpoints.8.perItemOf', (c: typeof committed) => (c.endpoints[8].perItemOf = 'genres')],
    ['endpoints.8.perItemOf', (c: typeof committed) => (c.endpoints[8].perItemOf = 'nothing')],
    ['endpoints.8.path', (c: typeof committed) => (c.endpoints[8].path = 'games')],
    ['endpoints.1.path', (c: typeof committed) => (c.endpoints[1].path = 'genres/{id}')],
  ])('names the field %s when it is invalid', (field, edit) => {
    const load = loadVariant(edit);
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(new RegExp(`: ${field.replace(/\./g, '\\.')}(: | \\()`));
  });

  it('names the new field for a renamed one', () => {
    const load = loadVariant((c: typeof committed) => {
      c.endpoints[0].incremental = c.endpoints[0].updatedFilter;
      delete c.endpoints[0].updatedFilter;
    });
    expect(load).toThrow(/: endpoints\.0\.incremental: renamed to updatedFilter$/);
  });

  it('says so when the file is not JSON', () => {
    const path = join(dir, 'broken.json');
    writeFileSync(path, '{"source": ');
    expect(() => loadEndpoints(path)).toThrow(/is not valid JSON/);
  });

  it('lists the valid endpoints when one is unknown', () => {
    expect(() => findEndpoint(loadEndpoints(), 'gamez')).toThrow(
      'unknown endpoint "gamez": valid endpoints are games, genres, platforms, parent_platforms, stores, publishers, developers, tags',
    );
  });
});
