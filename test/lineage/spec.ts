/**
 * Checks events against the OpenLineage specification as the OpenLineage Python client's
 * generated models hold it (validate_events.py, run in its own venv that `make test` installs
 * from PyPI), and the project's own facets against src/lineage/facets.schema.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { GMP_FACETS_SCHEMA } from '../../src/lineage/event.js';

const python = join(import.meta.dirname, '../../.tools/openlineage-venv/bin/python');
const script = join(import.meta.dirname, 'validate_events.py');

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(
  JSON.parse(readFileSync(join(import.meta.dirname, '../../src/lineage/facets.schema.json'), 'utf8')) as object,
);

type Facets = Record<string, { _schemaURL?: unknown }> | undefined;

interface EventShape {
  run?: { facets?: Facets };
  job?: { facets?: Facets };
  inputs?: Array<{ facets?: Facets; inputFacets?: Facets }>;
  outputs?: Array<{ facets?: Facets; outputFacets?: Facets }>;
}

/** Every facet of an event with where it sits. */
function facetsOf(event: EventShape): Array<[string, { _schemaURL?: unknown }]> {
  const entries = (group: Facets, where: string) =>
    Object.entries(group ?? {}).map(
      ([name, facet]) => [`${where}.${name}`, facet] as [string, { _schemaURL?: unknown }],
    );
  return [
    ...entries(event.run?.facets, 'run.facets'),
    ...entries(event.job?.facets, 'job.facets'),
    ...(event.inputs ?? []).flatMap((d, i) => [
      ...entries(d.facets, `inputs[${i}].facets`),
      ...entries(d.inputFacets, `inputs[${i}].inputFacets`),
    ]),
    ...(event.outputs ?? []).flatMap((d, i) => [
      ...entries(d.facets, `outputs[${i}].facets`),
      ...entries(d.outputFacets, `outputs[${i}].outputFacets`),
    ]),
  ];
}

/** The project's own facets against their schema (the specification's are the client's to check). */
function ownFacetErrors(event: EventShape, index: number): string[] {
  return facetsOf(event).flatMap(([where, facet]) => {
    const url = facet?._schemaURL;
    if (typeof url !== 'string' || !url.startsWith(GMP_FACETS_SCHEMA)) return [];
    const validate = ajv.getSchema(url);
    if (!validate) return [`event ${index}: ${where}: no schema ${url}`];
    if (validate(facet)) return [];
    return (validate.errors ?? []).map((e) => `event ${index}: ${where}${e.instancePath}: ${e.message}`);
  });
}

/** Every way the events break the specification (or the project's facet schema); none when all are valid. */
export function specErrors(events: unknown[]): string[] {
  if (!existsSync(python))
    throw new Error(`${python} is missing: run "make test" (it installs the OpenLineage client)`);
  const fromClient = JSON.parse(
    execFileSync(python, [script], { input: JSON.stringify(events), encoding: 'utf8' }),
  ) as string[];
  return [...fromClient, ...events.flatMap((event, index) => ownFacetErrors(event as EventShape, index))];
}
