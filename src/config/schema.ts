import { z } from 'zod';

/** An endpoint's name is used in object keys, table and model names, and state names. */
export const endpointName = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'must be lower case letters, digits and _, starting with a letter');

export const freshnessSchema = z
  .strictObject({
    warnAfterDays: z
      .int()
      .min(1)
      .max(3660)
      .describe('Warn when the newest complete partition is more than this many days old.'),
    errorAfterDays: z
      .int()
      .min(1)
      .max(3660)
      .describe('Fail the pipeline (after the report says so) when it is more than this many days old.'),
  })
  .refine((f) => f.errorAfterDays >= f.warnAfterDays, {
    message: 'errorAfterDays must be at least warnAfterDays',
    path: ['errorAfterDays'],
  })
  .describe(
    "How old an endpoint's newest complete partition may get (default: one missed refresh warns, three fail; at least a week).",
  );

export const endpointSchema = z
  .strictObject({
    name: endpointName.describe('Used in object keys, dbt models, tables and state names.'),
    path: z
      .string()
      .regex(
        /^[a-z0-9-]+(\/([a-z0-9-]+|\{id\}))*$/,
        'must be an API path such as "games", "platforms/lists/parents" or "games/{id}"',
      )
      .describe(
        'The API path after the base URL, without slashes at either end; `{id}` stands for the item of `perItemOf`.',
      ),
    perItemOf: endpointName
      .optional()
      .describe(
        "The endpoint whose items this resource is fetched for, one request per item (`games/{id}`: a game's detail). The planner chooses which items, by popularity, within a share of the month's budget.",
      ),
    updatedFilter: z
      .literal('updated')
      .optional()
      .describe(
        'The query filter that selects the items changed in a range of days ("updated=A,B"): the endpoint gets `updated` partitions, and its snapshots can be read in windows.',
      ),
    refreshDays: z
      .int()
      .min(1)
      .max(366)
      .optional()
      .describe(
        'In daily mode, start a new snapshot only when the last one is this many days old (default 1): deep listings cost up to the depth cap each time.',
      ),
    freshness: freshnessSchema.optional(),
  })
  .describe('One list endpoint of the API.');

export const sourceSchema = z
  .strictObject({
    baseUrl: z.url({ protocol: /^https?$/ }).describe('The API base URL, without a trailing slash.'),
    pageSize: z.int().min(1).max(40).describe('Items per page; the API caps it at 40.'),
    maxResults: z
      .int()
      .min(40)
      .describe(
        "Results the API serves per listing (its depth cap); deeper listings are read in windows that fit. RAWG's is 10,000 at page_size 20, undocumented at 40.",
      ),
    requestsPerSecond: z
      .number()
      .min(0.01)
      .max(1000)
      .describe('Client-side cap on API requests per second, shared by all concurrent fetches.'),
    concurrency: z.int().min(1).max(64).describe('Pages fetched at once within a partition.'),
    requestTimeoutMs: z
      .int()
      .min(100)
      .max(600_000)
      .describe('Time allowed for one API request, in milliseconds (at most 10 minutes).'),
    retries: z.int().min(0).max(20).describe('Retries of a transient failure (5xx, 429, reset, timeout, bad body).'),
    monthlyRequestBudget: z
      .int()
      .positive()
      .max(Number.MAX_SAFE_INTEGER)
      .describe('API requests allowed per calendar month (UTC); no run spends more than the month has left.'),
    reconcile: z
      .boolean()
      .optional()
      .describe(
        'Seal a listing only when its pages agree with one state of the API (default true). false seals it once its planned pages are stored, which loses games when the API changes while it is read: it exists for the tests that show so.',
      ),
  })
  .describe('Settings of the RAWG source.');

export const endpointsFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    source: sourceSchema,
    endpoints: z
      .array(endpointSchema)
      .min(1)
      .superRefine((endpoints, ctx) => {
        const seen = new Set<string>();
        endpoints.forEach((endpoint, index) => {
          if (seen.has(endpoint.name)) {
            ctx.addIssue({
              code: 'custom',
              path: [index, 'name'],
              message: `duplicate endpoint name "${endpoint.name}"`,
            });
          }
          seen.add(endpoint.name);
        });
        endpoints.forEach((endpoint, index) => {
          const perItem = endpoint.perItemOf !== undefined;
          if (perItem !== endpoint.path.includes('{id}')) {
            ctx.addIssue({
              code: 'custom',
              path: [index, 'path'],
              message: 'a path has `{id}` exactly when the endpoint is `perItemOf` another',
            });
          }
          if (!perItem) return;
          const parent = endpoints.find((other) => other.name === endpoint.perItemOf);
          if (!parent || parent.perItemOf !== undefined || parent.updatedFilter === undefined) {
            ctx.addIssue({
              code: 'custom',
              path: [index, 'perItemOf'],
              message: 'must name a listing endpoint with an `updated` filter (its items and their versions)',
            });
          }
          if (endpoint.updatedFilter !== undefined || endpoint.refreshDays !== undefined) {
            ctx.addIssue({
              code: 'custom',
              path: [index],
              message:
                'a resource fetched per item has no `updatedFilter` or `refreshDays`: its items are refreshed when they change',
            });
          }
        });
      }),
  })
  .describe('The endpoints the pipeline ingests: the single source of truth for every layer.');

export type Endpoint = z.infer<typeof endpointSchema>;
/** An endpoint fetched per item of another (`games/{id}`), not listed page by page. */
export const isPerItem = (endpoint: Endpoint): boolean => endpoint.perItemOf !== undefined;
export type Freshness = z.infer<typeof freshnessSchema>;
export type SourceSettings = z.infer<typeof sourceSchema>;
export type EndpointsFile = z.infer<typeof endpointsFileSchema>;
