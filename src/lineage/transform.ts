import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LakePartitions } from '../lake/partitions.js';
import { compactedPartitionDataset, rawPartitionDataset, warehouseNamespace } from './datasets.js';
import type { Dataset } from './event.js';
import { lineage, LineageRun, type LineageEmitter } from './emitter.js';

export const TRANSFORM_JOB = 'transform';
/** A dbt model's job: `transform.dim_games`. */
export const modelJob = (model: string): string => `${TRANSFORM_JOB}.${model}`;

/** The dbt sources that read an endpoint's partitions: its pages, and its compacted parts. */
const LAKE_SOURCES = new Set(['lake', 'lake_compact']);

export interface BuildSettings {
  targetPath: string;
  warehousePath?: string;
  env: NodeJS.ProcessEnv;
}

interface ManifestNode {
  name: string;
  database?: string;
  schema?: string;
  alias?: string;
  depends_on?: { nodes?: string[] };
}

interface Manifest {
  nodes: Record<string, ManifestNode>;
  sources: Record<string, { source_name: string; name: string }>;
}

interface RunResult {
  unique_id: string;
  status: string;
  message?: string | null;
  timing?: Array<{ name: string; started_at?: string; completed_at?: string }>;
}

/**
 * A build's lineage: the transform run reads the lake partitions the build was given (each as
 * dbt reads it: compacted parts, else raw pages) and writes the models dbt built; each model gets
 * its own run under it (from dbt's manifest.json and run_results.json once dbt is done), reading
 * the models it refers to and, for a model over the lake, that endpoint's partitions.
 */
export class TransformLineage {
  readonly #run: LineageRun | undefined;
  readonly #started = new Date();

  constructor(emitter: LineageEmitter = lineage()) {
    this.#run = emitter.enabled ? new LineageRun(emitter, TRANSFORM_JOB) : undefined;
  }

  start(): Promise<void> {
    return this.#run?.start() ?? Promise.resolve();
  }

  /** The transform's end: COMPLETE, or FAIL/ABORT for `error`, after one run per model dbt ran. */
  async end(settings: BuildSettings, error?: unknown, signal?: AbortSignal): Promise<void> {
    const run = this.#run;
    if (!run) return;
    let io = {};
    try {
      io = await this.#models(run, settings);
    } catch {
      // No readable results (dbt did not start, or stopped before writing them): the run alone is told.
    }
    if (error === undefined) return run.complete(io);
    return run.stopped(error, signal, io);
  }

  async #models(run: LineageRun, settings: BuildSettings): Promise<{ inputs: Dataset[]; outputs: Dataset[] }> {
    const lake = settings.env.LAKE_URL;
    const partitions = lake ? lakeDatasets(lake, settings.env) : new Map<string, Dataset[]>();
    const results = JSON.parse(readFileSync(join(settings.targetPath, 'run_results.json'), 'utf8')) as {
      metadata: { generated_at: string };
      results: RunResult[];
    };
    // Results of an earlier build are not this one's.
    if (Date.parse(results.metadata.generated_at) < this.#started.getTime()) return { inputs: [], outputs: [] };
    const manifest = JSON.parse(readFileSync(join(settings.targetPath, 'manifest.json'), 'utf8')) as Manifest;
    const namespace = warehouseNamespace({
      warehousePath: settings.warehousePath,
      snowflakeAccount: settings.env.SNOWFLAKE_ACCOUNT,
    });
    const table = (node: ManifestNode): Dataset => ({
      namespace,
      name: [node.database, node.schema, node.alias ?? node.name].filter(Boolean).join('.'),
    });
    const outputs: Dataset[] = [];
    const inputs = new Map<string, Dataset>();
    const parent = { ref: run.ref, root: run.root ?? run.ref };
    for (const result of results.results) {
      const node = manifest.nodes[result.unique_id];
      if (!result.unique_id.startsWith('model.') || !node || result.status === 'skipped') continue;
      const reads: Dataset[] = [];
      for (const id of node.depends_on?.nodes ?? []) {
        const source = manifest.sources[id];
        if (source && LAKE_SOURCES.has(source.source_name)) reads.push(...(partitions.get(source.name) ?? []));
        else if (manifest.nodes[id]?.name && id.startsWith('model.')) reads.push(table(manifest.nodes[id]!));
      }
      const unique = [...new Map(reads.map((d) => [`${d.namespace} ${d.name}`, d])).values()];
      for (const d of unique) if (d.namespace !== namespace) inputs.set(`${d.namespace} ${d.name}`, d);
      const execute = result.timing?.find((t) => t.name === 'execute');
      const model = new LineageRun(run.emitter, modelJob(node.name), parent);
      const io = { inputs: unique, outputs: [table(node)] };
      await model.start(io, execute?.started_at ? new Date(execute.started_at) : undefined);
      const endedAt = execute?.completed_at ? new Date(execute.completed_at) : undefined;
      if (result.status === 'success') {
        await model.complete(io, endedAt);
        outputs.push(table(node));
      } else {
        await model.fail(result.message ?? result.status, io, endedAt);
      }
    }
    return { inputs: [...inputs.values()].sort((a, b) => a.name.localeCompare(b.name)), outputs };
  }
}

/** Each endpoint's partitions as this build read them, from the listing handed to dbt (GMP_LAKE_PARTITIONS, GMP_LAKE_COMPACTED). */
function lakeDatasets(lake: string, env: NodeJS.ProcessEnv): Map<string, Dataset[]> {
  const closed = JSON.parse(env.GMP_LAKE_PARTITIONS ?? '{}') as LakePartitions;
  const compacted = new Set(
    days(JSON.parse(env.GMP_LAKE_COMPACTED ?? '{}') as LakePartitions).map(
      (p) => `${p.endpoint.name}/${p.load}/${p.date}`,
    ),
  );
  const byEndpoint = new Map<string, Dataset[]>();
  for (const p of days(closed)) {
    const dataset = compacted.has(`${p.endpoint.name}/${p.load}/${p.date}`)
      ? compactedPartitionDataset(lake, p)
      : rawPartitionDataset(lake, p);
    byEndpoint.set(p.endpoint.name, [...(byEndpoint.get(p.endpoint.name) ?? []), dataset]);
  }
  return byEndpoint;
}

function days(partitions: LakePartitions) {
  const all: Array<{ endpoint: { name: string }; load: 'snapshot' | 'updated'; date: string }> = [];
  for (const [endpoint, loads] of Object.entries(partitions)) {
    for (const [load, ranges] of Object.entries(loads)) {
      for (const [first, last] of ranges) {
        for (
          let day = new Date(`${first}T00:00:00Z`);
          day.toISOString().slice(0, 10) <= last;
          day.setUTCDate(day.getUTCDate() + 1)
        ) {
          all.push({
            endpoint: { name: endpoint },
            load: load as 'snapshot' | 'updated',
            date: day.toISOString().slice(0, 10),
          });
        }
      }
    }
  }
  return all;
}
