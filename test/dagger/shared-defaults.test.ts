/**
 * The Dagger module keeps its own copy of the paths gmp defaults to, and of the local S3 server
 * scripts/run-s3.sh starts, because it cannot import them: the engine loads only the module's source folder (dagger.json names nothing else to
 * include), and eslint holds dagger/src to the SDK, Node built-ins and its own files. This test is
 * the link to their one owner, src/config/defaults.ts: `run-pipeline export --path .` must put the
 * warehouse and the report where gmp on the host looks for them, and the module's upload must
 * leave out the local data those defaults point at.
 */
import { readFileSync } from 'node:fs';
import { join, posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_DIR,
  COMPACT_ARGS,
  HOST_LAKE,
  REPORT_FILE,
  SOURCE_IGNORE,
  Target,
  transformArgs,
  transformEnv,
  WAREHOUSE_FILE,
} from '../../dagger/src/commands.js';
import {
  DEFAULT_API_LAKE_URL,
  DEFAULT_LAKE_URL,
  DEFAULT_REPORT_PATH,
  DEFAULT_WAREHOUSE_PATH,
} from '../../src/config/defaults.js';
import { parseLakeUrl } from '../../src/lake/url.js';
import { pipelineSteps, type StepName } from '../../src/pipeline-steps.js';

/** A default relative to the working directory, as a path inside it (`./a/b` is `a/b`). */
const inside = (path: string) => posix.normalize(path).replace(/^\.\//, '');
const topFolder = (path: string) => inside(path).split('/')[0]!;

/** A step's argv in the one list of pipeline steps. */
const argsOf = (name: StepName, target: 'dev' | 'prod') =>
  pipelineSteps(target).find((step) => step.name === name)?.args ?? [];

describe('the Dagger module and gmp agree on the default paths', () => {
  it('exports the warehouse and the report at the paths gmp defaults to', () => {
    expect(WAREHOUSE_FILE).toBe(inside(DEFAULT_WAREHOUSE_PATH));
    expect(REPORT_FILE).toBe(inside(DEFAULT_REPORT_PATH));
  });

  it('builds and reports at the paths it exports: the transform env names the warehouse, the report writes its --out or the default', () => {
    expect(transformEnv(Target.dev, {}, { snowflakeUser: false, snowflakePassword: false }).WAREHOUSE_PATH).toBe(
      posix.join(APP_DIR, WAREHOUSE_FILE),
    );
    // run-pipeline runs the report step as gmp steps prints it.
    const REPORT_ARGS = argsOf('report', 'dev');
    const out = REPORT_ARGS.includes('--out') ? REPORT_ARGS[REPORT_ARGS.indexOf('--out') + 1]! : DEFAULT_REPORT_PATH;
    expect(inside(out)).toBe(REPORT_FILE);
  });

  it('leaves the default lake, warehouse and report folders out of what it uploads', () => {
    const lakes = [DEFAULT_LAKE_URL, DEFAULT_API_LAKE_URL].map(parseLakeUrl);
    const lakeDirs = lakes.map((lake) => (lake.kind === 'file' ? lake.dir : ''));
    for (const folder of [
      ...lakeDirs.map(topFolder),
      topFolder(DEFAULT_WAREHOUSE_PATH),
      topFolder(DEFAULT_REPORT_PATH),
    ]) {
      expect(SOURCE_IGNORE, folder).toContain(folder);
    }
  });
});

describe('the Dagger module and make s3-server agree on the lake of this machine', () => {
  /** The defaults scripts/run-s3.sh gives its settings: `name=${ENV:-default}` or `export NAME=${NAME:-default}`. */
  const script = readFileSync(join(resolve(import.meta.dirname, '../..'), 'scripts/run-s3.sh'), 'utf8');
  const fallback = (name: string) => new RegExp(`^(?:export )?\\w+=\\$\\{${name}:-([^}]+)\\}$`, 'm').exec(script)?.[1];

  it('serves the bucket the module uses, on its port, with its region and credentials', () => {
    expect(fallback('S3_PORT')).toBe(String(HOST_LAKE.port));
    expect(fallback('LAKE_URL')).toBe(HOST_LAKE.url);
    expect(fallback('AWS_REGION')).toBe(HOST_LAKE.region);
    expect(fallback('AWS_ACCESS_KEY_ID')).toBe(HOST_LAKE.accessKeyId);
    expect(fallback('AWS_SECRET_ACCESS_KEY')).toBe(HOST_LAKE.secretAccessKey);
  });
});

describe("the Dagger module's single steps and the pipeline's steps run the same commands", () => {
  // run-pipeline reads the steps from gmp steps; compact and transform, which pipeline.yml calls one by one, spell theirs.
  it('compacts and transforms with the argv the definition gives those steps', () => {
    expect(COMPACT_ARGS).toEqual(argsOf('compact', 'prod'));
    for (const target of [Target.dev, Target.prod]) expect(transformArgs(target)).toEqual(argsOf('transform', target));
  });
});
