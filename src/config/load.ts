import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { defaultEndpointsPath } from '../paths.js';
import { endpointsFileSchema, type Endpoint, type EndpointsFile } from './schema.js';

/** The endpoints file, checked against its schema; the CLI names it (GMP_ENDPOINTS) and passes it down. */
export function loadEndpoints(path = defaultEndpointsPath): EndpointsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError(`cannot read ${path}: check the path (GMP_ENDPOINTS)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = endpointsFileSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`${path}: ${describeIssue(parsed.error)}`);
  return parsed.data;
}

/** Fields of config/endpoints.json that were renamed, with their new names. */
const RENAMED_FIELDS: Readonly<Record<string, string>> = { incremental: 'updatedFilter' };

/** The first problem, with its field path: "endpoints.3.name: must be lower case ...". */
function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const renamed = RENAMED_FIELDS[issue.keys[0]!];
    if (renamed) return `${[...issue.path, issue.keys[0]].join('.')}: renamed to ${renamed}`;
    return `${[...issue.path, issue.keys[0]].join('.')}: unknown field (allowed fields are in config/endpoints.schema.json)`;
  }
  const field = issue.path.join('.') || '(top level)';
  return `${field}: ${issue.message}`;
}

export function findEndpoint(file: EndpointsFile, name: string): Endpoint {
  const endpoint = file.endpoints.find((e) => e.name === name);
  if (!endpoint) {
    const valid = file.endpoints.map((e) => e.name).join(', ');
    throw new ConfigError(`unknown endpoint "${name}": valid endpoints are ${valid}`);
  }
  return endpoint;
}
