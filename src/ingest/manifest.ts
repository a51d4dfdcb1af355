import { z } from 'zod';

/** What a partition should contain, written once page 1 has told how many items there are. */
export const manifestSchema = z.object({
  endpoint: z.string(),
  path: z.string(),
  load: z.enum(['snapshot', 'updated']),
  date: z.string(),
  params: z.record(z.string(), z.string()),
  pageSize: z.int().positive(),
  count: z.int().nonnegative(),
  pages: z.int().nonnegative(),
  createdAt: z.string(),
});
export type Manifest = z.infer<typeof manifestSchema>;

/** Written last, when every page of the partition is in the lake. */
export const successSchema = z.object({
  pages: z.int().nonnegative(),
  count: z.int().nonnegative(),
  /** Set when the catalogue changed size while the partition was fetched. */
  resized: z.enum(['grew', 'shrank']).optional(),
  runId: z.string(),
  completedAt: z.string(),
});
export type Success = z.infer<typeof successSchema>;

export const pagesFor = (count: number, pageSize: number): number => Math.max(1, Math.ceil(count / pageSize));

export function parseStored<T>(schema: z.ZodType<T>, bytes: Uint8Array, key: string): T {
  const parsed = schema.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
  if (!parsed.success) throw new Error(`${key} is not what the pipeline wrote: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
