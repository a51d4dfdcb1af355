// The check every lineage test relies on, shown to pass and to fail: an event carrying every facet
// the pipeline's events carry validates against the OpenLineage client's models; events that
// break the specification, or the project's own facet schema, are told apart.
import { describe, expect, it } from 'vitest';
import { apiDataset, rawPartitionDataset } from '../../src/lineage/datasets.js';
import {
  errorMessageFacet,
  itemFields,
  newRunId,
  outputStatisticsFacet,
  parentFacet,
  requestsFacet,
  runEvent,
  schemaFacet,
} from '../../src/lineage/event.js';
import { specErrors } from './spec.js';

const job = { namespace: 'game-market-pipeline', name: 'ingest' };
const partition = { endpoint: { name: 'games' }, load: 'snapshot' as const, date: '2026-12-06' };

const everyFacet = () =>
  runEvent({
    eventType: 'FAIL',
    runId: newRunId(),
    job,
    inputs: [apiDataset('https://api.rawg.io/api', 'games')],
    outputs: [
      {
        ...rawPartitionDataset('file:///data/lake', partition),
        facets: { schema: schemaFacet(itemFields([{ id: 1, name: 'a', rating: 4.5, tags: [] }])) },
        outputFacets: { outputStatistics: outputStatisticsFacet({ rowCount: 40, size: 1234, fileCount: 1 }) },
      },
    ],
    runFacets: {
      parent: parentFacet(
        { runId: newRunId(), job: { namespace: job.namespace, name: 'transform' } },
        { runId: newRunId(), job: { namespace: job.namespace, name: 'pipeline' } },
      ),
      gmp_requests: requestsFacet({ apiRequests: 3, retries: 1, storeRequests: 12 }),
      errorMessage: errorMessageFacet('boom'),
    },
  });

describe('lineage events against the OpenLineage specification (the Python client from PyPI)', () => {
  it('an event with every facet the pipeline sends is valid, as is one with none', () => {
    expect(specErrors([everyFacet(), runEvent({ eventType: 'START', runId: newRunId(), job })])).toEqual([]);
  });

  it('an event that breaks the specification or the project facet schema is told apart', () => {
    const badRunId = { ...everyFacet(), run: { ...everyFacet().run, runId: 'not-a-uuid' } };
    const badType = { ...everyFacet(), eventType: 'DONE' };
    const noTime: Record<string, unknown> = { ...everyFacet() };
    delete noTime.eventTime;
    const oldFacet = everyFacet();
    oldFacet.outputs[0]!.facets!.schema!._schemaURL =
      'https://openlineage.io/spec/facets/1-0-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet';
    const ownFacet = runEvent({
      eventType: 'COMPLETE',
      runId: newRunId(),
      job,
      runFacets: { gmp_requests: requestsFacet({ apiRequests: 1 } as never) },
    });
    const errors = specErrors([badRunId, badType, noTime, oldFacet, ownFacet]);
    expect(errors).toEqual([
      'event 0: run: badly formed hexadecimal UUID string',
      "event 1: eventType: 'DONE' is not one of ['START', 'RUNNING', 'COMPLETE', 'ABORT', 'FAIL', 'OTHER']",
      'event 2: RunEvent requires eventTime',
      expect.stringMatching(
        /^event 3: outputs\[0\]\.facets\.schema: no facet of the specification at .*1-0-0\/SchemaDatasetFacet/,
      ),
      "event 4: run.facets.gmp_requests: must have required property 'retries'",
      "event 4: run.facets.gmp_requests: must have required property 'storeRequests'",
    ]);
  });
});
