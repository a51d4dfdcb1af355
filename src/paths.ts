import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root, found relative to this module (src/ or dist/), and the folders the code reads from it. */
export const repoRoot = fileURLToPath(new URL('../', import.meta.url));
export const dbtDir = join(repoRoot, 'dbt');
export const venvDir = join(repoRoot, '.venv');
/** The committed endpoints.json, and the JSON Schema generated from its zod schema for editors. */
export const defaultEndpointsPath = join(repoRoot, 'config', 'endpoints.json');
export const endpointsSchemaPath = join(repoRoot, 'config', 'endpoints.schema.json');
