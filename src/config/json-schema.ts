import { z } from 'zod';
import { endpointsFileSchema } from './schema.js';

/** The JSON Schema editors use for config/endpoints.json, generated from the zod schema. */
export function endpointsJsonSchema(): string {
  const schema = z.toJSONSchema(endpointsFileSchema, { io: 'input' });
  return `${JSON.stringify(schema, null, 2)}\n`;
}
