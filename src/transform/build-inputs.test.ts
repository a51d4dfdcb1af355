import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EndpointsFile } from '../config/schema.js';
import { buildInputsFingerprint } from './build-inputs.js';

describe('buildInputsFingerprint: what a dev build saw besides the lake', () => {
  let dbtDir: string;
  const endpoints = {
    source: { baseUrl: 'https://api.rawg.io/api' },
    endpoints: [{ name: 'games', path: 'games' }],
  } as unknown as EndpointsFile;
  const where = { target: 'dev', warehouse: '/w/game_market.duckdb', lake: 'file:///lake' };
  const fingerprint = (overrides: Partial<Parameters<typeof buildInputsFingerprint>[0]> = {}) =>
    buildInputsFingerprint({ dbtDir, endpoints, where, ...overrides });

  beforeEach(() => {
    dbtDir = mkdtempSync(join(tmpdir(), 'gmp-build-inputs-'));
    mkdirSync(join(dbtDir, 'models', 'marts'), { recursive: true });
    writeFileSync(join(dbtDir, 'dbt_project.yml'), 'name: game_market\n');
    writeFileSync(join(dbtDir, 'models', 'marts', 'dim_games.sql'), 'select 1 as game_id\n');
  });
  afterEach(() => rmSync(dbtDir, { recursive: true, force: true }));

  it('is the same for the same project, config and settings', () => {
    expect(fingerprint()).toBe(fingerprint());
  });

  it('changes with a model, a new project file, the config or where the build reads and writes', () => {
    const before = fingerprint();
    appendFileSync(join(dbtDir, 'models', 'marts', 'dim_games.sql'), '-- a comment\n');
    const edited = fingerprint();
    expect(edited).not.toBe(before);
    writeFileSync(join(dbtDir, 'requirements.txt'), 'dbt-duckdb==1.11.1\n');
    expect(fingerprint()).not.toBe(edited);
    const withRequirements = fingerprint();
    expect(
      fingerprint({
        endpoints: { ...endpoints, endpoints: [{ name: 'games', path: 'games', refreshDays: 2 }] } as EndpointsFile,
      }),
    ).not.toBe(withRequirements);
    expect(fingerprint({ where: { ...where, warehouse: '/elsewhere.duckdb' } })).not.toBe(withRequirements);
  });

  it("ignores dbt's own output: target/, logs/ and hidden files", () => {
    const before = fingerprint();
    for (const folder of ['target', 'logs']) {
      mkdirSync(join(dbtDir, folder));
      writeFileSync(join(dbtDir, folder, 'run_results.json'), '{}');
    }
    writeFileSync(join(dbtDir, '.user.yml'), 'id: x\n');
    expect(fingerprint()).toBe(before);
  });
});
