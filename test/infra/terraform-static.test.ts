// What a reviewer checks in infra/, read from the Terraform itself (parsed with @cdktf/hcl2json,
// offline): providers cannot be downloaded here, so infra/aws and infra/snowflake are never planned.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cappedKey,
  COMPACT_PART_PATH_PATTERN,
  compactPartKey,
  compactSuccessKey,
  manifestKey,
  PAGE_PATH_PATTERN,
  pageKey,
  splitKey,
  successKey,
  type Load,
  type Window,
} from '../../src/lake/layout.js';
import {
  type Block,
  blocks,
  infraDir,
  isObject,
  type Json,
  type JsonObject,
  type ParsedFile,
  parseTerraform,
  repoRoot,
  strings,
} from './support.js';
import { ORIGIN_KEY } from '../../src/lake/origin.js';
import { SCHEMA_PREFIX } from '../../src/lake/item-schemas.js';
import { INDEX_PREFIX } from '../../src/lake/parent-items.js';
import { LAKE_ROOTS } from '../../src/lake/roots.js';
import { ITEM_PATH_PATTERN, itemGoneKey, itemKey, itemsManifestKey, itemsSuccessKey } from '../../src/lake/items.js';

let all: ParsedFile[];
let aws: ParsedFile[];
let snowflake: ParsedFile[];
let engine: ParsedFile[];

beforeAll(async () => {
  all = await parseTerraform(infraDir);
  aws = all.filter((f) => f.file.startsWith('infra/aws/'));
  engine = all.filter((f) => f.file.startsWith('infra/modules/dagger-engine/'));
  snowflake = all.filter((f) => f.file.startsWith('infra/snowflake/'));
});

function one(list: Block[], kind: string, name: string): JsonObject {
  const found = list.find((b) => b.kind === kind && b.name === name);
  if (!found) throw new Error(`no ${kind}.${name}`);
  return found.body;
}

function nested(body: JsonObject, key: string): JsonObject[] {
  const value = body[key];
  if (isObject(value)) return [value];
  return Array.isArray(value) ? value.filter(isObject) : [];
}

/** `dynamic "name" { for_each, content }` blocks of a body. */
function dynamicBlocks(body: JsonObject, name: string): JsonObject[] {
  return nested(body, 'dynamic').flatMap((d) => nested(d, name));
}

describe('Snowflake external tables', () => {
  const tablesModule = () => all.filter((f) => f.file.startsWith('infra/modules/lake-external-tables/'));
  const rootLocals = () => Object.assign({}, ...blocks(snowflake, 'locals').map((b) => b.body)) as JsonObject;
  const tablesModuleLocals = () =>
    Object.assign({}, ...blocks(tablesModule(), 'locals').map((b) => b.body)) as JsonObject;
  const prefixes = () => rootLocals().lake_prefixes as Record<string, JsonObject>;
  const call = () => one(blocks(snowflake, 'module'), 'module', 'lake_prefix');
  const table = () => one(blocks(tablesModule(), 'resource'), 'snowflake_external_table', 'endpoint');

  it('come from one module called per lake prefix, raw/ with JSON and compact/ with Parquet, and one table per endpoint of config/endpoints.json', async () => {
    expect(call().source).toBe('../modules/lake-external-tables');
    expect(call().for_each).toBe('${local.lake_prefixes}');
    expect(call().prefix).toBe('${each.value}');
    expect(call().endpoints).toBe(
      '${{ for name, endpoint in local.endpoints : name => { path = endpoint.path, per_item = try(endpoint.perItemOf, null) != null } }}',
    );
    const locals = rootLocals();
    expect(String(locals.endpoints)).toContain('jsondecode(file(local.endpoints_file)).endpoints');
    expect(String(locals.endpoints_file)).toContain('config/endpoints.json');
    // No stage, file format or external table is spelled twice: the module holds the only ones.
    for (const kind of [
      'snowflake_external_table',
      'snowflake_stage_external_s3',
      'snowflake_file_format_json',
      'snowflake_file_format_parquet',
    ]) {
      expect(blocks(snowflake, 'resource').filter((b) => b.kind === kind)).toEqual([]);
    }
    expect(Object.keys(prefixes()).sort()).toEqual(['compact', 'raw']);
    expect(
      Object.fromEntries(Object.entries(prefixes()).map(([name, p]) => [name, (p.file_format as JsonObject).type])),
    ).toEqual({
      raw: 'JSON',
      compact: 'PARQUET',
    });
    expect(Object.fromEntries(Object.entries(prefixes()).map(([name, p]) => [name, p.url]))).toEqual({
      raw: '${local.raw_url}',
      compact: '${local.compact_url}',
    });
    expect([locals.raw_url, locals.compact_url]).toEqual([
      's3://${var.lake_bucket_name}/raw/',
      's3://${var.lake_bucket_name}/compact/',
    ]);
    expect(
      one(blocks(snowflake, 'resource'), 'snowflake_storage_integration_aws', 'lake').storage_allowed_locations,
    ).toEqual(['${local.raw_url}', '${local.compact_url}']);

    // The file format of the prefix's type exists, the other not; stage and tables use it.
    const resources = blocks(tablesModule(), 'resource');
    for (const type of ['JSON', 'PARQUET']) {
      expect(one(resources, `snowflake_file_format_${type.toLowerCase()}`, 'this').count).toBe(
        `\${var.prefix.file_format.type == "${type}" ? 1 : 0}`,
      );
    }
    expect(String(table().file_format)).toBe('FORMAT_NAME = ${local.file_format}');
    expect(nested(one(resources, 'snowflake_stage_external_s3', 'this'), 'file_format')[0]?.format_name).toBe(
      '${local.file_format}',
    );
    expect(one(resources, 'snowflake_stage_external_s3', 'this').url).toBe('${var.prefix.url}');

    // The names dbt's sources lake and lake_compact read (src/transform/generate-sources.ts), for every endpoint.
    // A per-item endpoint (a game's detail) is never compacted: its one table is over raw/.
    expect(table().for_each).toBe('${local.tables}');
    expect(tablesModuleLocals().tables).toBe(
      '${{ for name, endpoint in var.endpoints : name => endpoint if !endpoint.per_item || var.prefix.item_pattern != null }}',
    );
    expect(prefixes().compact?.item_pattern).toBeNull();
    const catalogue = JSON.parse(await readFile(path.join(repoRoot, 'config/endpoints.json'), 'utf8')) as {
      endpoints: Array<{ name: string; perItemOf?: string }>;
    };
    expect(catalogue.endpoints.length).toBeGreaterThan(1);
    expect(catalogue.endpoints.some((endpoint) => endpoint.perItemOf)).toBe(true);
    for (const { name, perItemOf } of catalogue.endpoints) {
      const withTable = Object.values(prefixes()).filter((prefix) => !perItemOf || prefix.item_pattern !== null);
      const names = withTable.map((prefix) => render(String(table().name), name, prefix));
      expect(names.sort()).toEqual(
        perItemOf ? [name.toUpperCase()] : [name.toUpperCase(), `${name.toUpperCase()}_COMPACT`],
      );
      expect(render(String(table().location), name, prefixes().raw!)).toBe(
        `@\${snowflake_stage_external_s3.this.fully_qualified_name}/${name}/`,
      );
    }
  });

  it('expose LOAD and DATE parsed from the object key, partition on both, and read only page files', () => {
    expect(table().partition_by).toBe('${var.partition_by}');
    expect(call().partition_by).toBe('${local.partition_by}');
    expect(rootLocals().partition_by).toEqual(['LOAD', 'DATE']);
    const columns = partitionColumns();
    expect(columns.LOAD?.type).toBe('VARCHAR');
    expect(columns.DATE?.type).toBe('DATE');
    const load = (key: string) => evaluateSnowflake(String(columns.LOAD?.as), key);
    const date = (key: string) => evaluateSnowflake(String(columns.DATE?.as), key);
    // Keys as the ingest writes them (src/lake/layout.ts), not spelled again here.
    const listing = (endpoint: string, load: Load, date: string, window?: Window) => ({
      partition: { endpoint: { name: endpoint }, load, date },
      ...(window ? { window } : {}),
    });
    const gamesUpdated = listing('games', 'updated', '2026-11-25');
    const gamesWindow = listing('games', 'snapshot', '2026-12-01', { from: '2010-01-01', to: '2011-06-30' });
    const gamesSnapshot = listing('games', 'snapshot', '2026-12-01');
    const updated = pageKey(gamesUpdated, 1);
    const small = pageKey(listing('genres', 'snapshot', '2026-11-26'), 3);
    const windowed = pageKey(gamesWindow, 1);
    expect([load(updated), date(updated)]).toEqual(['updated', '2026-11-25']);
    expect([load(small), date(small)]).toEqual(['snapshot', '2026-11-26']);
    // A window's pages belong to the snapshot they sit in: its load and logical date, not the window's days.
    expect([load(windowed), date(windowed)]).toEqual(['snapshot', '2026-12-01']);

    expect(table().pattern).toBe('${each.value.per_item ? var.prefix.item_pattern : var.prefix.pattern}');
    expect(prefixes().raw?.pattern).toBe('${local.page_pattern}');
    expect(rootLocals().page_pattern).toBe(PAGE_PATH_PATTERN);
    const pattern = new RegExp(`^(?:${String(rootLocals().page_pattern)})$`);
    for (const key of [
      updated,
      small,
      windowed,
      pageKey(gamesSnapshot, 1234),
      pageKey(listing('games', 'snapshot', '2026-12-01', { from: '2026-01-01', to: '2026-11-30' }), 250),
    ]) {
      expect(pattern.test(key), key).toBe(true);
    }
    for (const key of [
      manifestKey(gamesUpdated),
      successKey(gamesUpdated),
      successKey(gamesSnapshot),
      splitKey(gamesSnapshot),
      cappedKey(gamesSnapshot),
      manifestKey(gamesWindow),
      successKey(gamesWindow),
      'raw/games/load=snapshot/date=2026-12-01/window=updated~2010-01-01~2011-06-30/deeper/page=00001.json',
      '_runs/2026-11-25T04-00-00Z.json',
      '_plans/daily-2026-11-26/shards.json',
    ]) {
      expect(pattern.test(key), key).toBe(false);
    }
  });

  it("over raw/ for a per-item endpoint: only the items, with the batch's day as DATE", () => {
    const columns = partitionColumns();
    expect(prefixes().raw?.item_pattern).toBe('${local.item_pattern}');
    expect(rootLocals().item_pattern).toBe(ITEM_PATH_PATTERN);
    const items = new RegExp(`^(?:${String(rootLocals().item_pattern)})$`);
    const pages = new RegExp(`^(?:${String(rootLocals().page_pattern)})$`);
    // Keys as the ingest writes them (src/lake/items.ts).
    const item = itemKey('game_details', '2026-12-07', 3498);
    expect(items.test(item), item).toBe(true);
    expect(pages.test(item), item).toBe(false);
    expect([
      evaluateSnowflake(String(columns.LOAD?.as), item),
      evaluateSnowflake(String(columns.DATE?.as), item),
    ]).toEqual(['items', '2026-12-07']);
    for (const key of [
      itemsManifestKey('game_details', '2026-12-07'),
      itemsSuccessKey('game_details', '2026-12-07'),
      itemGoneKey('game_details', '2026-12-07', 3498),
      pageKey({ partition: { endpoint: { name: 'games' }, load: 'snapshot', date: '2026-12-01' } }, 1),
    ]) {
      expect(items.test(key), key).toBe(false);
    }
  });

  it('over compact/: the same LOAD and DATE from the key, and only the Parquet parts, never their marker', () => {
    const columns = partitionColumns();
    expect(prefixes().compact?.pattern).toBe('${local.compact_part_pattern}');
    expect(rootLocals().compact_part_pattern).toBe(COMPACT_PART_PATH_PATTERN);
    const pattern = new RegExp(`^(?:${String(rootLocals().compact_part_pattern)})$`);
    // Keys as gmp compact writes them (src/lake/layout.ts).
    const snapshot = { endpoint: { name: 'games' }, load: 'snapshot' as Load, date: '2026-12-01' };
    const updated = { endpoint: { name: 'games' }, load: 'updated' as Load, date: '2026-11-25' };
    for (const [key, load, date] of [
      [compactPartKey(snapshot, 0), 'snapshot', '2026-12-01'],
      [compactPartKey(updated, 12), 'updated', '2026-11-25'],
    ] as const) {
      expect(pattern.test(key), key).toBe(true);
      expect([
        evaluateSnowflake(String(columns.LOAD?.as), key),
        evaluateSnowflake(String(columns.DATE?.as), key),
      ]).toEqual([load, date]);
    }
    for (const key of [
      compactSuccessKey(snapshot),
      pageKey({ partition: snapshot }, 1),
      'compact/games/load=snapshot/date=2026-12-01/part-00000.parquet.tmp',
    ]) {
      expect(pattern.test(key), key).toBe(false);
    }
  });

  it('give the dbt role exactly: warehouse, database, RAW usage, SELECT per external table, build rights in ANALYTICS', () => {
    const summary = (list: Block[]) =>
      list
        .filter((b) => b.kind === 'snowflake_grant_privileges_to_account_role')
        .map((g) => ({
          name: g.name,
          role: g.body.account_role_name,
          privileges: g.body.privileges,
          for_each: g.body.for_each ?? null,
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
    const dbt = '${snowflake_account_role.dbt.name}';
    expect(summary(blocks(snowflake, 'resource'))).toEqual([
      { name: 'analytics_build', role: dbt, privileges: ['USAGE', 'CREATE TABLE', 'CREATE VIEW'], for_each: null },
      { name: 'database_usage', role: dbt, privileges: ['USAGE'], for_each: null },
      { name: 'raw_usage', role: dbt, privileges: ['USAGE'], for_each: null },
      { name: 'warehouse_usage', role: dbt, privileges: ['USAGE'], for_each: null },
    ]);
    expect(call().reader_role).toBe(dbt);
    expect(summary(blocks(tablesModule(), 'resource'))).toEqual([
      {
        name: 'table_select',
        role: '${var.reader_role}',
        privileges: ['SELECT'],
        for_each: '${snowflake_external_table.endpoint}',
      },
    ]);
    for (const g of [...blocks(snowflake, 'resource'), ...blocks(tablesModule(), 'resource')])
      expect(g.body.all_privileges ?? false).toBe(false);
    const warehouse = one(blocks(snowflake, 'resource'), 'snowflake_warehouse', 'transform');
    expect(warehouse.warehouse_size).toBe('XSMALL');
    expect(warehouse.auto_resume).toBe('true');
    expect(warehouse.auto_suspend).toBe('${var.warehouse_auto_suspend_seconds}');
  });

  it('move every object that predates the module into it, each to a resource the module has, so none is replaced', () => {
    const moves = snowflake.flatMap((f) => (Array.isArray(f.body.moved) ? f.body.moved.filter(isObject) : []));
    const address = (ref: Json | undefined) => String(ref).replace(/^\$\{|\}$/g, '');
    const moduleResources = new Set(blocks(tablesModule(), 'resource').map((b) => `${b.kind}.${b.name}`));
    const targets = moves.map((m) =>
      /^module\.lake_prefix\["([a-z]+)"\]\.([a-z0-9_]+\.[a-z_]+)(\[0\])?$/.exec(address(m.to)),
    );
    for (const [i, target] of targets.entries()) {
      expect(target, address(moves[i]!.to)).not.toBeNull();
      expect(Object.keys(prefixes())).toContain(target![1]);
      expect(moduleResources, target![2]).toContain(target![2]);
    }
    // Every resource of the module, in both prefixes, except the file format of the other type.
    expect(targets.map((t) => `${t![1]}:${t![2]}`).sort()).toEqual(
      [
        'raw:snowflake_file_format_json.this',
        'compact:snowflake_file_format_parquet.this',
        ...['raw', 'compact'].flatMap((p) => [
          `${p}:snowflake_stage_external_s3.this`,
          `${p}:snowflake_external_table.endpoint`,
          `${p}:snowflake_grant_privileges_to_account_role.table_select`,
        ]),
      ].sort(),
    );
    expect(moves.map((m) => address(m.from)).sort()).toEqual(
      [
        'snowflake_file_format_json.page',
        'snowflake_file_format_parquet.compact',
        'snowflake_stage_external_s3.raw',
        'snowflake_stage_external_s3.compact',
        'snowflake_external_table.raw',
        'snowflake_external_table.compact',
        'snowflake_grant_privileges_to_account_role.external_table_select',
        'snowflake_grant_privileges_to_account_role.compact_table_select',
      ].sort(),
    );
  });
});

/** A module string for one endpoint and one prefix: `each.key`, `upper(each.key)` and `var.prefix.*` filled in. */
function render(template: string, endpoint: string, prefix: JsonObject): string {
  return template
    .replace(/\$\{upper\(each\.key\)\}/g, endpoint.toUpperCase())
    .replace(/\$\{each\.key\}/g, endpoint)
    .replace(/\$\{var\.prefix\.([a-z_]+)\}/g, (_all, field: string) => String(prefix[field]));
}

/**
 * The external tables' columns by name: the module's `dynamic "column"` blocks, resolved through
 * the module call's argument to the root locals it passes.
 */
function partitionColumns(): Record<string, JsonObject> {
  const locals = Object.assign({}, ...blocks(snowflake, 'locals').map((b) => b.body)) as JsonObject;
  const moduleFiles = all.filter((f) => f.file.startsWith('infra/modules/lake-external-tables/'));
  const table = one(blocks(moduleFiles, 'resource'), 'snowflake_external_table', 'endpoint');
  const call = one(blocks(snowflake, 'module'), 'module', 'lake_prefix');
  const columns: Record<string, JsonObject> = {};
  for (const block of dynamicBlocks(table, 'column')) {
    const variable = /^\$\{var\.([a-z_]+)\}$/.exec(String(block.for_each))?.[1];
    const local = variable && /^\$\{local\.([a-z_]+)\}$/.exec(String(call[variable]))?.[1];
    const entries = local && isObject(locals[local]) ? Object.entries(locals[local]) : [];
    for (const [name, value] of entries) if (isObject(value)) columns[name] = { name, ...value };
  }
  return columns;
}

// A tiny evaluator for the functions the partition columns use, with Snowflake's semantics
// (SPLIT_PART is 1-based and returns '' past the end).
function evaluateSnowflake(expression: string, filename: string): string {
  const src = expression.trim();
  if (src === 'METADATA$FILENAME') return filename;
  const literal = /^'([^']*)'$/.exec(src);
  if (literal) return literal[1] ?? '';
  const call = /^([A-Z_]+)\(([\s\S]*)\)$/.exec(src);
  if (!call) throw new Error(`cannot evaluate ${src}`);
  const args = splitArguments(call[2] ?? '');
  const value = (i: number) => evaluateSnowflake(args[i] ?? '', filename);
  switch (call[1]) {
    case 'SPLIT_PART':
      return value(0).split(value(1))[Number(args[2]) - 1] ?? '';
    case 'TO_DATE':
      if (value(1) !== 'YYYY-MM-DD' || !/^\d{4}-\d{2}-\d{2}$/.test(value(0)))
        throw new Error(`TO_DATE cannot parse ${value(0)}`);
      return value(0);
    default:
      throw new Error(`unknown function ${call[1]}`);
  }
}

function splitArguments(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (const ch of text) {
    if (ch === "'") quoted = !quoted;
    if (!quoted && ch === '(') depth++;
    if (!quoted && ch === ')') depth--;
    if (!quoted && depth === 0 && ch === ',') {
      out.push(current);
      current = '';
    } else current += ch;
  }
  return [...out, current];
}

describe('no hard-coded account or region', () => {
  const accountId = /(?<![0-9])[0-9]{12}(?![0-9])/;
  const region =
    /\b(us|eu|ap|sa|ca|me|af|il|mx|cn)(-gov)?-(north|south|east|west|central|northeast|southeast|northwest|southwest)-[0-9]\b/;

  it('no literal AWS account ID anywhere in infra/', () => {
    const hits = all.flatMap((f) =>
      strings(f.body as Json)
        .filter((s) => accountId.test(s))
        .map((s) => `${f.file}: ${s}`),
    );
    expect(hits).toEqual([]);
  });

  it('no literal region anywhere in infra/; the region is a validated variable', () => {
    const hits = all.flatMap((f) =>
      strings(f.body as Json)
        .filter((s) => region.test(s))
        .map((s) => `${f.file}: ${s}`),
    );
    expect(hits).toEqual([]);
    const provider = blocks(aws, 'provider').find((p) => p.name === 'aws');
    expect(provider?.body.region).toBe('${var.region}');
    const regionVar = blocks(aws, 'resource').length > 0 ? findVariable(aws, 'region') : undefined;
    expect(regionVar?.default).toBeUndefined();
    expect(nested(regionVar ?? {}, 'validation')).toHaveLength(1);
  });
});

function findVariable(files: ParsedFile[], name: string): JsonObject | undefined {
  for (const f of files) {
    const vars = f.body.variable;
    if (isObject(vars) && Array.isArray(vars[name]) && isObject(vars[name][0])) return vars[name][0];
  }
  return undefined;
}

// AWS resource types that take no tags argument. Everything else must be tagged.
const UNTAGGABLE = new Set([
  'aws_ecr_lifecycle_policy',
  'aws_ecs_cluster_capacity_providers',
  'aws_iam_role_policy',
  'aws_iam_role_policy_attachment',
  'aws_kms_alias',
  'aws_s3_bucket_lifecycle_configuration',
  'aws_s3_bucket_notification',
  'aws_s3_bucket_ownership_controls',
  'aws_s3_bucket_policy',
  'aws_s3_bucket_public_access_block',
  'aws_s3_bucket_server_side_encryption_configuration',
  'aws_s3_bucket_versioning',
  'aws_scheduler_schedule',
  'aws_sns_topic_subscription',
]);

describe('tags', () => {
  // The stack's resources take local.tags; the engine module's take the var.tags the stack passes.
  const untagged = (files: ParsedFile[], tags: string) =>
    blocks(files, 'resource')
      .filter((r) => !UNTAGGABLE.has(r.kind))
      .filter((r) => {
        if (r.kind === 'aws_autoscaling_group') {
          const dynamicTag = dynamicBlocks(r.body, 'tag')[0];
          const propagated = nested(dynamicTag ?? {}, 'content')[0]?.propagate_at_launch === true;
          return !(propagated && String(dynamicTag?.for_each ?? '').includes(tags));
        }
        return !String(r.body.tags ?? '').includes(tags);
      })
      .map((r) => `${r.file}: ${r.kind}.${r.name}`);

  it('every taggable AWS resource carries the common tags', () => {
    expect(untagged(aws, 'local.tags')).toEqual([]);
    expect(blocks(engine, 'resource').length).toBeGreaterThan(5);
    expect(untagged(engine, 'var.tags')).toEqual([]);
    const module = blocks(aws, 'module').find((m) => m.name === 'dagger_engine')?.body ?? {};
    expect(module.tags).toBe('${local.tags}');
  });

  it('instances and volumes launched by the engine group are tagged too', () => {
    const template = one(blocks(engine, 'resource'), 'aws_launch_template', 'this');
    const specs = nested(template, 'tag_specifications');
    expect(specs.map((s) => s.resource_type).sort()).toEqual(['instance', 'volume']);
    for (const s of specs) expect(String(s.tags)).toContain('var.tags');
  });
});

// Actions AWS offers no resource-level permission for: only these may use Resource "*".
const WILDCARD_ONLY_ACTIONS = new Set([
  'ec2:DescribeInstances',
  'ecr:GetAuthorizationToken',
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
]);

function statements(doc: JsonObject): JsonObject[] {
  const plain = nested(doc, 'statement');
  const dynamic = dynamicBlocks(doc, 'statement').flatMap((s) => nested(s, 'content'));
  return [...plain, ...dynamic];
}

function policyDocuments(): Block[] {
  return blocks(aws, 'data').filter((d) => d.kind === 'aws_iam_policy_document');
}

describe('IAM', () => {
  it('names resources instead of "*" wherever the service allows it (key policies aside)', () => {
    const offending: string[] = [];
    for (const doc of policyDocuments()) {
      if (doc.name === 'kms_key') continue; // a key policy's "*" is the key itself
      for (const s of statements(doc.body)) {
        const resources = Array.isArray(s.resources) ? s.resources : [];
        const actions = Array.isArray(s.actions) ? s.actions.map(String) : [];
        if (s.effect === 'Deny') continue; // a broad deny only narrows access
        for (const a of actions) if (a.endsWith('*')) offending.push(`${doc.name}: wildcard action ${a}`);
        if (resources.includes('*'))
          for (const a of actions) if (!WILDCARD_ONLY_ACTIONS.has(a)) offending.push(`${doc.name}: ${a} on "*"`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('ingest may read and write (never delete) only under raw/, _runs/, _ledger/, _leases/, _plans/, compact/, _schema/, _index/ and _origin.json; transform and Snowflake only read', () => {
    const locals = Object.assign({}, ...blocks(aws, 'locals').map((b) => b.body)) as JsonObject;
    expect(locals.plans_prefix).toBe('_plans/');
    expect(locals.compact_prefix).toBe('compact/');
    expect(locals.origin_key).toBe(ORIGIN_KEY);
    expect(locals.ingest_lake_prefixes).toEqual([
      'raw/',
      '_runs/',
      '_ledger/',
      '_leases/',
      '${local.plans_prefix}',
      '${local.compact_prefix}',
      '${local.origin_key}',
      '${local.schema_prefix}',
      '${local.index_prefix}',
    ]);
    expect(locals.transform_lake_prefixes).toEqual([
      'raw/',
      '_runs/',
      '${local.compact_prefix}',
      '_ledger/',
      '${local.origin_key}',
      '${local.schema_prefix}',
    ]);
    expect(locals.schema_prefix).toBe(SCHEMA_PREFIX);
    expect(locals.index_prefix).toBe(INDEX_PREFIX);
    expect(locals.snowflake_lake_prefixes).toEqual(['raw/', '${local.compact_prefix}']);
    // Ingest touches every root the lake room spells, and nothing else.
    const resolve = (value: unknown) =>
      String(value).replace(/^\$\{local\.([a-z_]+)\}$/, (_, name: string) => String(locals[name]));
    expect((locals.ingest_lake_prefixes as unknown[]).map(resolve).sort()).toEqual([...LAKE_ROOTS].sort());
    const tasks = locals.tasks as Record<string, JsonObject>;
    expect(Object.keys(tasks).sort()).toEqual(['ingest', 'transform']);
    expect(tasks.ingest).toMatchObject({
      lake_prefixes: '${local.ingest_lake_prefixes}',
      lake_actions: ['s3:GetObject', 's3:PutObject'],
      lake_key_actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
    });
    expect(tasks.transform).toMatchObject({
      lake_prefixes: '${local.transform_lake_prefixes}',
      lake_actions: ['s3:GetObject'],
      lake_key_actions: ['kms:Decrypt'],
    });

    // Each task's policy is made from its entry and nothing else: list and use its prefixes only.
    const taskPolicy = one(blocks(aws, 'data'), 'aws_iam_policy_document', 'task');
    expect(taskPolicy.for_each).toBe('${local.tasks}');
    const bySid = Object.fromEntries(statements(taskPolicy).map((s) => [String(s.sid), s]));
    expect(Object.keys(bySid).sort()).toEqual(['ListLakePrefixes', 'UseLakeKey', 'UseLakeObjects']);
    expect(bySid.ListLakePrefixes?.actions).toEqual(['s3:ListBucket']);
    expect(nested(bySid.ListLakePrefixes ?? {}, 'condition')[0]?.variable).toBe('s3:prefix');
    expect(String(nested(bySid.ListLakePrefixes ?? {}, 'condition')[0]?.values)).toBe(
      '${[for p in each.value.lake_prefixes : "${p}*"]}',
    );
    expect(bySid.UseLakeObjects?.actions).toBe('${each.value.lake_actions}');
    expect(String(bySid.UseLakeObjects?.resources)).toBe(
      '${[for p in each.value.lake_prefixes : "${aws_s3_bucket.lake.arn}/${p}*"]}',
    );
    expect(bySid.UseLakeKey?.actions).toBe('${each.value.lake_key_actions}');

    const docs = Object.fromEntries(policyDocuments().map((d) => [d.name, statements(d.body)]));
    const s3Actions = (name: string) =>
      new Set(
        (docs[name] ?? [])
          .flatMap((s) => (Array.isArray(s.actions) ? s.actions : []))
          .map(String)
          .filter((a) => a.startsWith('s3:')),
      );
    expect([...s3Actions('snowflake_reader')].sort()).toEqual(['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket']);
    expect([...s3Actions('state_machine')]).toEqual(['s3:GetObject']);
    const snowflakeList = (docs.snowflake_reader ?? []).find((s) => s.sid === 'ListLake') ?? {};
    expect(String(nested(snowflakeList, 'condition')[0]?.values)).toBe(
      '${[for p in local.snowflake_lake_prefixes : "${p}*"]}',
    );
  });

  it('the state machine reads only the saved plans and drives only its own child executions', () => {
    const locals = Object.assign({}, ...blocks(aws, 'locals').map((b) => b.body)) as JsonObject;
    const doc = statements(one(blocks(aws, 'data'), 'aws_iam_policy_document', 'state_machine'));
    const bySid = Object.fromEntries(doc.map((s) => [String(s.sid), s]));
    expect(bySid.ReadRunPlans?.actions).toEqual(['s3:GetObject']);
    expect(bySid.ReadRunPlans?.resources).toEqual(['${aws_s3_bucket.lake.arn}/${local.plans_prefix}*']);
    expect(nested(bySid.DecryptRunPlans ?? {}, 'condition')[0]?.values).toEqual(['s3.${local.region}.amazonaws.com']);
    expect(bySid.StartShardExecutions?.actions).toEqual(['states:StartExecution']);
    expect(bySid.StartShardExecutions?.resources).toEqual(['${local.state_machine_arn}']);
    expect(bySid.FollowAndStopShardExecutions?.actions).toEqual(['states:DescribeExecution', 'states:StopExecution']);
    expect(bySid.FollowAndStopShardExecutions?.resources).toEqual(['${local.shard_executions_arn}']);
    // The ARNs name this state machine and nothing wider.
    const machine = one(blocks(aws, 'resource'), 'aws_sfn_state_machine', 'pipeline');
    expect(machine.name).toBe('${var.name}');
    expect(locals.state_machine_arn).toBe(
      'arn:${local.partition}:states:${local.region}:${local.account_id}:stateMachine:${var.name}',
    );
    expect(locals.shard_executions_arn).toBe(
      'arn:${local.partition}:states:${local.region}:${local.account_id}:execution:${var.name}/*',
    );
    const states = doc
      .flatMap((s) => (Array.isArray(s.actions) ? s.actions.map(String) : []))
      .filter((a) => a.startsWith('states:'));
    expect(states.sort()).toEqual(['states:DescribeExecution', 'states:StartExecution', 'states:StopExecution']);
  });

  it('the state machine definition reads the same lake the ingest task writes', () => {
    const definition = blocks(aws, 'module').find((m) => m.name === 'state_machine_definition')?.body ?? {};
    expect(definition.lake_url).toBe('${local.lake_url}');
    expect(definition.shards).toBe('${var.ingest_shards}');
    expect(definition.max_concurrency).toBe('${var.max_concurrent_ingests}');
    expect(findVariable(aws, 'max_concurrent_ingests')?.default).toBe(2);
    expect(String(findVariable(aws, 'max_concurrent_ingests')?.description)).toMatch(/rate.*budget/s);
  });

  it('the state machine runs exactly the task definitions and passes exactly their roles, one of each per task', () => {
    const resources = blocks(aws, 'resource');
    const taskDefinitions = resources.filter((r) => r.kind === 'aws_ecs_task_definition' && r.name !== 'dagger_engine');
    expect(taskDefinitions.map((r) => [r.name, r.body.for_each])).toEqual([['this', '${local.tasks}']]);
    const definition = taskDefinitions[0]!.body;
    expect(definition.execution_role_arn).toBe('${aws_iam_role.task_execution[each.key].arn}');
    expect(definition.task_role_arn).toBe('${aws_iam_role.task[each.key].arn}');
    const roles = resources.filter((r) => r.kind === 'aws_iam_role' && ['task', 'task_execution'].includes(r.name));
    for (const role of roles) expect(role.body.for_each, role.name).toBe('${local.tasks}');
    expect(resources.filter((r) => r.kind === 'aws_iam_role' && /^(ingest|transform)_/.test(r.name))).toEqual([]);
    const doc = statements(one(blocks(aws, 'data'), 'aws_iam_policy_document', 'state_machine'));
    const bySid = Object.fromEntries(doc.map((s) => [String(s.sid), s]));
    expect(bySid.RunPipelineTasks?.resources).toBe('${[for task in aws_ecs_task_definition.this : task.arn]}');
    expect(bySid.PassTaskRoles?.resources).toBe(
      '${concat([for role in aws_iam_role.task_execution : role.arn], [for role in aws_iam_role.task : role.arn])}',
    );
    expect(nested(bySid.PassTaskRoles ?? {}, 'condition')[0]?.values).toEqual(['ecs-tasks.amazonaws.com']);
    const module = blocks(aws, 'module').find((m) => m.name === 'state_machine_definition')?.body ?? {};
    expect(module.ingest_task_definition_arn).toBe('${aws_ecs_task_definition.this["ingest"].arn}');
    expect(module.transform_task_definition_arn).toBe('${aws_ecs_task_definition.this["transform"].arn}');
  });

  it('state moves from the per-task addresses to the for_each ones and into the engine module, so nothing is replaced', () => {
    const moved = aws
      .flatMap((f) => (Array.isArray(f.body.moved) ? f.body.moved : []))
      .filter(isObject)
      .map((m) => `${m.from} -> ${m.to}`);
    for (const task of ['ingest', 'transform']) {
      expect(moved).toContain(`\${aws_ecs_task_definition.${task}} -> \${aws_ecs_task_definition.this["${task}"]}`);
      expect(moved).toContain(`\${aws_iam_role.${task}_execution} -> \${aws_iam_role.task_execution["${task}"]}`);
      expect(moved).toContain(`\${aws_iam_role.${task}_task} -> \${aws_iam_role.task["${task}"]}`);
      expect(moved).toContain(
        `\${aws_iam_role_policy.${task}_execution} -> \${aws_iam_role_policy.task_execution["${task}"]}`,
      );
      expect(moved).toContain(`\${aws_iam_role_policy.${task}_task} -> \${aws_iam_role_policy.task["${task}"]}`);
    }
    // Every resource of the engine module was in the stack before: each has a move into the module.
    const targets = moved.map((m) => m.split(' -> ')[1]);
    for (const r of blocks(engine, 'resource'))
      expect(targets, `${r.kind}.${r.name}`).toContain(`\${module.dagger_engine[0].${r.kind}.${r.name}}`);
  });

  it('sees the conditional statements too (session access to the Dagger engine)', () => {
    const sids = statements(one(blocks(aws, 'data'), 'aws_iam_policy_document', 'github_deploy')).map((s) => s.sid);
    expect(sids).toEqual(expect.arrayContaining(['PublishImages', 'ForwardToDaggerEngineHost', 'PortForwardingOnly']));
  });

  it('the GitHub deploy role trusts only this repository on the allowed refs', () => {
    const trust = statements(one(blocks(aws, 'data'), 'aws_iam_policy_document', 'github_assume'))[0] ?? {};
    const conditions = Object.fromEntries(nested(trust, 'condition').map((c) => [String(c.variable), c]));
    expect(conditions['token.actions.githubusercontent.com:aud']?.values).toEqual(['sts.amazonaws.com']);
    expect(conditions['token.actions.githubusercontent.com:sub']?.test).toBe('StringEquals');
    expect(String(conditions['token.actions.githubusercontent.com:sub']?.values)).toContain(
      'repo:${var.github_repository}:ref:${ref}',
    );
  });
});

describe('AWS wiring', () => {
  it('secrets are injected from Secrets Manager and their values never appear in Terraform', () => {
    const resources = blocks(aws, 'resource');
    expect(resources.filter((r) => r.kind === 'aws_secretsmanager_secret_version')).toEqual([]);
    const locals = Object.assign({}, ...blocks(aws, 'locals').map((b) => b.body)) as JsonObject;
    const tasks = locals.tasks as Record<string, JsonObject>;
    expect(tasks.ingest?.secrets).toEqual({ RAWG_API_KEY: '${aws_secretsmanager_secret.rawg_api_key.arn}' });
    expect(tasks.transform?.secrets).toEqual({
      SNOWFLAKE_PASSWORD: '${aws_secretsmanager_secret.snowflake_password.arn}',
    });
    const ingestEnv = tasks.ingest?.environment as JsonObject;
    const transformEnv = tasks.transform?.environment as JsonObject;
    expect(ingestEnv.LAKE_URL).toBe('${local.lake_url}');
    expect(ingestEnv).not.toHaveProperty('S3_ENDPOINT');
    // gmp transform lists the closed partitions of the same lake before dbt runs.
    expect(transformEnv.LAKE_URL).toBe('${local.lake_url}');
    for (const name of [
      'SNOWFLAKE_ACCOUNT',
      'SNOWFLAKE_USER',
      'SNOWFLAKE_ROLE',
      'SNOWFLAKE_WAREHOUSE',
      'SNOWFLAKE_DATABASE',
    ])
      expect(transformEnv[name], name).toMatch(/^\$\{var\./);
    for (const env of [ingestEnv, transformEnv])
      for (const name of Object.keys(env)) expect(name).not.toMatch(/PASSWORD|KEY|TOKEN|SECRET/);
    // The container gets exactly its entry's env and secrets; its execution role reads exactly those secrets.
    const containers = String(one(resources, 'aws_ecs_task_definition', 'this').container_definitions);
    expect(containers).toMatch(
      /environment\s*=\s*\[for name, value in each\.value\.environment : \{ name = name, value = value \}\]/,
    );
    expect(containers).toMatch(
      /secrets\s*=\s*\[for name, arn in each\.value\.secrets : \{ name = name, valueFrom = arn \}\]/,
    );
    const execution = statements(one(blocks(aws, 'data'), 'aws_iam_policy_document', 'task_execution'));
    expect(execution.find((s) => s.sid === 'ReadSecrets')?.resources).toBe('${values(each.value.secrets)}');
  });

  it('the lake bucket is versioned, encrypted, private, TLS-only, and expires old versions', () => {
    const resources = blocks(aws, 'resource');
    expect(nested(one(resources, 'aws_s3_bucket_versioning', 'lake'), 'versioning_configuration')[0]?.status).toBe(
      'Enabled',
    );
    const sse = nested(
      nested(one(resources, 'aws_s3_bucket_server_side_encryption_configuration', 'lake'), 'rule')[0] ?? {},
      'apply_server_side_encryption_by_default',
    )[0];
    expect(sse?.sse_algorithm).toBe('aws:kms');
    const pab = one(resources, 'aws_s3_bucket_public_access_block', 'lake');
    for (const k of ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'])
      expect(pab[k]).toBe(true);
    const policy = statements(one(blocks(aws, 'data'), 'aws_iam_policy_document', 'lake_bucket'));
    const tls = policy.find((s) => nested(s, 'condition')[0]?.variable === 'aws:SecureTransport');
    expect(tls?.effect).toBe('Deny');
    expect(nested(tls ?? {}, 'condition')[0]?.values).toEqual(['false']);
    const rule = nested(one(resources, 'aws_s3_bucket_lifecycle_configuration', 'lake'), 'rule')[0] ?? {};
    expect(nested(rule, 'noncurrent_version_expiration')[0]?.noncurrent_days).toBe(
      '${var.noncurrent_version_retention_days}',
    );
  });

  it('one schedule, on by default, with its own role, sends mode daily', () => {
    const locals = Object.assign({}, ...blocks(aws, 'locals').map((b) => b.body)) as JsonObject;
    expect(locals.daily_input).toEqual({ mode: 'daily' });
    const schedules = blocks(aws, 'resource').filter((r) => r.kind === 'aws_scheduler_schedule');
    expect(schedules.map((s) => s.name)).toEqual(['daily']);
    const schedule = schedules[0]?.body ?? {};
    expect(schedule.for_each).toBeUndefined();
    expect(schedule.state).toBe('${var.schedule_enabled ? "ENABLED" : "DISABLED"}');
    expect(findVariable(aws, 'schedule_enabled')?.default).toBe(true);
    expect(findVariable(aws, 'weekly_snapshot_schedule_expression')).toBeUndefined();
    const target = nested(schedule, 'target')[0] ?? {};
    expect(target.input).toBe('${jsonencode(local.daily_input)}');
    expect(target.role_arn).toBe('${aws_iam_role.scheduler.arn}');
    expect(target.arn).toBe('${aws_sfn_state_machine.pipeline.arn}');
    const policy = statements(one(blocks(aws, 'data'), 'aws_iam_policy_document', 'scheduler'));
    expect(policy.find((s) => s.sid === 'StartPipeline')?.resources).toEqual(['${aws_sfn_state_machine.pipeline.arn}']);
  });

  it('the Dagger engine is off by default and never on Fargate', () => {
    const enable = findVariable(aws, 'enable_dagger_engine');
    expect(enable?.default).toBe(false);
    expect(String(enable?.description)).toMatch(/Fargate forbids privileged containers/);
    const module = blocks(aws, 'module').find((m) => m.name === 'dagger_engine')?.body ?? {};
    expect(module.source).toBe('../modules/dagger-engine');
    expect(module.count).toBe('${var.enable_dagger_engine ? 1 : 0}');
    const task = one(blocks(engine, 'resource'), 'aws_ecs_task_definition', 'this');
    expect(task.requires_compatibilities).toEqual(['EC2']);
    expect(String(task.container_definitions)).toMatch(/privileged\s*=\s*true/);
    const group = one(blocks(engine, 'resource'), 'aws_security_group', 'this');
    expect(group.ingress).toBeUndefined();
    expect(
      blocks([...aws, ...engine], 'resource').filter((r) => r.kind === 'aws_vpc_security_group_ingress_rule'),
    ).toEqual([]);
    // Nothing of the engine is left in the stack itself: it all lives in the module.
    expect(blocks(aws, 'resource').filter((r) => r.name.startsWith('dagger_engine'))).toEqual([]);
  });
});

describe('a README per module and stack', () => {
  const folders = () => [...new Set(all.map((f) => path.dirname(f.file)))].sort();
  const declared = (folder: string, section: 'variable' | 'output') =>
    all
      .filter((f) => path.dirname(f.file) === folder)
      .flatMap((f) => (isObject(f.body[section]) ? Object.keys(f.body[section]) : []));
  /** The first cells of the README's table under `## heading`. */
  const rows = (readme: string, heading: string) => {
    const section = readme.split(/^## /m).find((part) => part.startsWith(`${heading}\n`)) ?? '';
    return [...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
  };

  it('lists every input and output of infra/modules/* and the stacks, and nothing they lack', async () => {
    expect(folders()).toEqual(expect.arrayContaining(['infra/aws', 'infra/snowflake', 'infra/modules/state-machine']));
    for (const folder of folders()) {
      const readme = await readFile(path.join(repoRoot, folder, 'README.md'), 'utf8').catch(() => '');
      expect(readme, `${folder}/README.md`).toMatch(/^# .+\n\n\S/);
      expect(readme, `${folder}/README.md`).toMatch(/^## Usage\n\n```(hcl|sh)\n/m);
      expect(rows(readme, 'Inputs').sort(), `${folder}/README.md inputs`).toEqual(declared(folder, 'variable').sort());
      expect(rows(readme, 'Outputs').sort(), `${folder}/README.md outputs`).toEqual(declared(folder, 'output').sort());
    }
  });

  it('shows each module called with every input it requires, and only inputs it has', async () => {
    for (const folder of folders().filter((f) => f.startsWith('infra/modules/'))) {
      const readme = await readFile(path.join(repoRoot, folder, 'README.md'), 'utf8');
      const example = /^## Usage\n\n```hcl\n([\s\S]*?)^```$/m.exec(readme)?.[1] ?? '';
      const parsed = (await parse(`${folder}/README.md`, example)) as JsonObject;
      const call = blocks([{ file: folder, body: parsed }], 'module')[0]?.body ?? {};
      expect(call.source, folder).toBe(`../modules/${path.basename(folder)}`);
      const variables = all
        .filter((f) => path.dirname(f.file) === folder)
        .flatMap((f) => (isObject(f.body.variable) ? Object.entries(f.body.variable) : []));
      const required = variables
        .filter(([, list]) => Array.isArray(list) && isObject(list[0]) && !('default' in list[0]))
        .map(([name]) => name);
      const given = Object.keys(call).filter((key) => key !== 'source');
      expect(
        given.filter((name) => !variables.some(([v]) => v === name)),
        folder,
      ).toEqual([]);
      expect(
        required.filter((name) => !given.includes(name)),
        folder,
      ).toEqual([]);
    }
  });
});
