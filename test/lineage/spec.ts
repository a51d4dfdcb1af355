/**
 * Validates events against the OpenLineage specification's JSON Schemas (spec 2-0-2 and the
 * facet schemas the pipeline's events name), kept in spec/ so nothing is fetched: every event
 * against its `schemaURL`, every facet against its `_schemaURL`. A facet whose schema is not
 * here fails, so no facet goes unchecked.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const SPEC_DIR = join(import.meta.dirname, 'spec');
const SCHEMA_FILES = [
  ...readdirSync(SPEC_DIR)
    .filter((name) => name.endsWith('.json'))
    .map((name) => join(SPEC_DIR, name)),
  ...readdirSync(join(SPEC_DIR, 'facets')).map((name) => join(SPEC_DIR, 'facets', name)),
  // The project's own facets.
  join(import.meta.dirname, '../../src/lineage/facets.schema.json'),
];

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
for (const file of SCHEMA_FILES) ajv.addSchema(JSON.parse(readFileSync(file, 'utf8')) as object);

function check(schemaUrl: unknown, value: unknown, where: string): string[] {
  if (typeof schemaUrl !== 'string') return [`${where}: no schema URL`];
  let validate;
  try {
    validate = ajv.getSchema(schemaUrl);
  } catch (error) {
    return [`${where}: ${schemaUrl} does not resolve (${(error as Error).message})`];
  }
  if (!validate) return [`${where}: no schema ${schemaUrl} in the spec files`];
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${where}${e.instancePath}: ${e.message}`);
}

type Facets = Record<string, { _schemaURL?: unknown }> | undefined;

/** Every way `event` breaks the specification; none for a valid event. */
export function specErrors(event: unknown): string[] {
  const errors = check('https://openlineage.io/spec/2-0-2/OpenLineage.json', event, 'event');
  const e = event as {
    schemaURL?: unknown;
    run?: { facets?: Facets };
    job?: { facets?: Facets };
    inputs?: Array<{ facets?: Facets; inputFacets?: Facets }>;
    outputs?: Array<{ facets?: Facets; outputFacets?: Facets }>;
  };
  errors.push(...check(e.schemaURL, event, 'event (its schemaURL)'));
  const facets = (group: Facets, where: string) => {
    for (const [name, facet] of Object.entries(group ?? {}))
      errors.push(...check(facet?._schemaURL, facet, `${where}.${name}`));
  };
  facets(e.run?.facets, 'run.facets');
  facets(e.job?.facets, 'job.facets');
  for (const [i, d] of (e.inputs ?? []).entries()) {
    facets(d.facets, `inputs[${i}].facets`);
    facets(d.inputFacets, `inputs[${i}].inputFacets`);
  }
  for (const [i, d] of (e.outputs ?? []).entries()) {
    facets(d.facets, `outputs[${i}].facets`);
    facets(d.outputFacets, `outputs[${i}].outputFacets`);
  }
  return errors;
}
