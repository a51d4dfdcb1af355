import type { RunRecord } from '../lake/run-record.js';
import type { PartitionRef } from '../lake/layout.js';
import type { RawgClient } from '../source/client.js';
import { apiDataset, itemsBatchDataset, rawPartitionDataset } from './datasets.js';
import {
  itemFields,
  outputStatisticsFacet,
  requestsFacet,
  schemaFacet,
  type Dataset,
  type OutputDataset,
  type SchemaField,
} from './event.js';
import { lineage, LineageRun } from './emitter.js';

export const INGEST_JOB = 'ingest';

type PageClient = Pick<RawgClient, 'fetchPage'>;

interface Written {
  dataset: Dataset;
  rows: number;
  bytes: number;
  fields?: SchemaField[];
}

/**
 * An ingest run's lineage: the API listings it read in, the lake partitions it wrote out, with
 * the items and bytes of the pages it stored there, the item fields of each partition's first
 * page (its schema facet), and the run's requests. Costs nothing when no transport is set.
 */
export class IngestLineage {
  readonly #run: LineageRun | undefined;
  readonly #written = new Map<string, Written>();
  readonly #listings = new Set<string>();

  constructor(
    readonly lake: string,
    readonly api: { baseUrl: string; apiKey: string },
  ) {
    const emitter = lineage();
    emitter.hide(api.apiKey);
    this.#run = emitter.enabled ? new LineageRun(emitter, INGEST_JOB) : undefined;
  }

  start(): Promise<void> {
    return this.#run?.start() ?? Promise.resolve();
  }

  /** The client as this partition's fetch uses it: each page it stores is counted on the way. */
  observe(client: PageClient, partition: PartitionRef): PageClient {
    if (!this.#run) return client;
    return {
      fetchPage: async (path, page, params) => {
        const result = await client.fetchPage(path, page, params);
        this.#listings.add(path);
        if (result.status === 'page') {
          const key = `${partition.endpoint.name}/${partition.load}/${partition.date}`;
          const written = this.#written.get(key) ?? {
            dataset: rawPartitionDataset(this.lake, partition),
            rows: 0,
            bytes: 0,
          };
          written.rows += result.ids.length;
          written.bytes += result.body.byteLength;
          // The body is the client's buffer, read here before it is handed on.
          written.fields ??= fieldsOf(result.body);
          this.#written.set(key, written);
        }
        return result;
      },
    };
  }

  /** Items a run stored in a batch of a per-item resource (read from `path`, e.g. `games/{id}`): rows of the batch. */
  wroteItems(endpoint: string, path: string, date: string, items: number): void {
    if (!this.#run || items === 0) return;
    this.#listings.add(path);
    const key = `${endpoint}/items/${date}`;
    const written = this.#written.get(key) ?? {
      dataset: itemsBatchDataset(this.lake, endpoint, date),
      rows: 0,
      bytes: 0,
    };
    written.rows += items;
    this.#written.set(key, written);
  }

  /** COMPLETE, FAIL (a failed run) or ABORT (an interrupted one), with what the run read and wrote. */
  end(record: RunRecord): Promise<void> {
    if (!this.#run) return Promise.resolve();
    const io = {
      inputs: [...this.#listings].sort().map((path) => apiDataset(this.api.baseUrl, path)),
      outputs: [...this.#written.values()]
        .map((written) => this.#output(written))
        .sort((a, b) => a.name.localeCompare(b.name)),
      facets: {
        gmp_requests: requestsFacet({
          apiRequests: record.apiRequests,
          retries: record.retries,
          storeRequests: record.storeRequests,
        }),
      },
    };
    if (record.outcome === 'failed') return this.#run.fail(record.error ?? 'failed', io);
    if (record.outcome === 'interrupted') return this.#run.abort(io);
    return this.#run.complete(io);
  }

  #output(written: Written): OutputDataset {
    return {
      ...written.dataset,
      ...(written.fields?.length ? { facets: { schema: schemaFacet(written.fields) } } : {}),
      outputFacets: { outputStatistics: outputStatisticsFacet({ rowCount: written.rows, size: written.bytes }) },
    };
  }
}

/** The item fields of a stored page's `results`; none when the page is not the JSON it should be. */
function fieldsOf(body: Uint8Array): SchemaField[] | undefined {
  try {
    const page = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')) as {
      results?: unknown;
    };
    return Array.isArray(page.results) ? itemFields(page.results) : undefined;
  } catch {
    return undefined;
  }
}
