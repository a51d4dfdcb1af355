import { randomUUID } from 'node:crypto';

/**
 * OpenLineage run events (spec 2-0-2) and the facets the pipeline fills, built as plain JSON:
 * a lineage tool (Marquez, DataHub, OpenMetadata, Atlan) reads them as any OpenLineage client's.
 */

export const SPEC = 'https://openlineage.io/spec/2-0-2/OpenLineage.json';
/** Who wrote the events: the project, by its package name. */
export const PRODUCER = 'urn:game-market-pipeline:gmp';
/** The project's own facets are named with this prefix, as the spec asks of custom facets. */
export const FACET_PREFIX = 'gmp_';

export type EventType = 'START' | 'COMPLETE' | 'FAIL' | 'ABORT';

export interface Facet {
  _producer: string;
  _schemaURL: string;
  [field: string]: unknown;
}

export interface JobRef {
  namespace: string;
  name: string;
}

export interface Dataset {
  namespace: string;
  name: string;
  facets?: Record<string, Facet>;
}

export interface OutputDataset extends Dataset {
  outputFacets?: Record<string, Facet>;
}

export interface RunEvent {
  eventType: EventType;
  eventTime: string;
  run: { runId: string; facets?: Record<string, Facet> };
  job: JobRef;
  inputs: Dataset[];
  outputs: OutputDataset[];
  producer: string;
  schemaURL: string;
}

/** A run as another run names it: the parent facet's `run` and `job`. */
export interface RunRef {
  runId: string;
  job: JobRef;
}

export const newRunId = (): string => randomUUID();

export function runEvent(fields: {
  eventType: EventType;
  runId: string;
  job: JobRef;
  inputs?: Dataset[];
  outputs?: OutputDataset[];
  runFacets?: Record<string, Facet>;
  eventTime?: Date;
}): RunEvent {
  const facets = fields.runFacets && Object.keys(fields.runFacets).length ? fields.runFacets : undefined;
  return {
    eventType: fields.eventType,
    eventTime: (fields.eventTime ?? new Date()).toISOString(),
    run: { runId: fields.runId, ...(facets ? { facets } : {}) },
    job: { namespace: fields.job.namespace, name: fields.job.name },
    inputs: fields.inputs ?? [],
    outputs: fields.outputs ?? [],
    producer: PRODUCER,
    schemaURL: `${SPEC}#/$defs/RunEvent`,
  };
}

const facet = (schemaURL: string, fields: Record<string, unknown>): Facet => ({
  _producer: PRODUCER,
  _schemaURL: schemaURL,
  ...fields,
});

/** The run that started this one (the pipeline's, or the transform's for a model), and the root of them all. */
export function parentFacet(parent: RunRef, root: RunRef = parent): Facet {
  return facet('https://openlineage.io/spec/facets/1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet', {
    run: { runId: parent.runId },
    job: { ...parent.job },
    root: { run: { runId: root.runId }, job: { ...root.job } },
  });
}

export function errorMessageFacet(message: string): Facet {
  return facet('https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet', {
    message,
    programmingLanguage: 'TypeScript',
  });
}

export interface SchemaField {
  name: string;
  type: string;
}

export function schemaFacet(fields: SchemaField[]): Facet {
  return facet('https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet', {
    fields,
  });
}

export function outputStatisticsFacet(stats: { rowCount: number; size?: number; fileCount?: number }): Facet {
  return facet(
    'https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet',
    stats,
  );
}

/** The JSON Schema of the project's own facets; its file is src/lineage/facets.schema.json. */
export const GMP_FACETS_SCHEMA = 'urn:game-market-pipeline:lineage:facets:1-0-0';

/** The requests an ingest run made: `gmp_requests`, a custom run facet. */
export function requestsFacet(counts: { apiRequests: number; retries: number; storeRequests: number }): Facet {
  return facet(`${GMP_FACETS_SCHEMA}#/$defs/RequestsRunFacet`, counts);
}

/**
 * The item fields of stored pages, with their JSON types, in first-seen order: a partition's
 * schema facet. A field whose type differs between items is `mixed`; null alone says nothing.
 */
export function itemFields(items: readonly unknown[]): SchemaField[] {
  const types = new Map<string, string>();
  for (const item of items) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) continue;
    for (const [name, value] of Object.entries(item)) {
      const type = jsonType(value);
      const seen = types.get(name);
      if (seen === undefined || seen === 'null') types.set(name, type);
      else if (type !== 'null' && type !== seen) types.set(name, 'mixed');
    }
  }
  return [...types].map(([name, type]) => ({ name, type }));
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}
