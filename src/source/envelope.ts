import { z } from 'zod';

/** One page of any RAWG list endpoint. Unknown top-level keys (games' seo_* and more) are kept. */
export const envelopeSchema = z.looseObject({
  count: z.int().nonnegative(),
  next: z.string().nullable(),
  previous: z.string().nullable(),
  results: z.array(z.unknown()),
});

export type Envelope = z.infer<typeof envelopeSchema>;
