/**
 * A change to the shape of the items the sandbox serves, as an API changes its own: a field added
 * to every item, one dropped, one retyped (a string becomes its length, anything else its text;
 * null stays null). A field is a top-level name, for every endpoint (`score`), or for one
 * endpoint by its name (`games:released`).
 */
import { z } from 'zod';

const field = z.string().regex(/^(?:[a-z_]+:)?[A-Za-z_][\w-]*$/, 'must be a field name, or endpoint:field');

export const itemShapeSchema = z.strictObject({
  addFields: z.array(field),
  dropFields: z.array(field),
  retypeFields: z.array(field),
});

export type ItemShape = z.infer<typeof itemShapeSchema>;

export const defaultItemShape: ItemShape = { addFields: [], dropFields: [], retypeFields: [] };

/** The value an added field has in every item. */
export const ADDED_FIELD_VALUE = 'sandbox';

/** The fields of `fields` that apply to `endpoint`'s items. */
const fieldsFor = (fields: string[], endpoint: string): string[] =>
  fields.flatMap((name) => {
    const at = name.indexOf(':');
    return at < 0 ? [name] : name.slice(0, at) === endpoint ? [name.slice(at + 1)] : [];
  });

/** The items as the shape says `endpoint` serves them; the items themselves when it changes nothing. */
export function reshapeItems<T>(items: T[], endpoint: string, shape: ItemShape): T[] | Record<string, unknown>[] {
  const add = fieldsFor(shape.addFields, endpoint);
  const drop = fieldsFor(shape.dropFields, endpoint);
  const retype = fieldsFor(shape.retypeFields, endpoint);
  if (!add.length && !drop.length && !retype.length) return items;
  return items.map((item) => {
    const reshaped: Record<string, unknown> = { ...(item as Record<string, unknown>) };
    for (const name of drop) delete reshaped[name];
    for (const name of retype) {
      const value = reshaped[name];
      if (value !== null && value !== undefined)
        reshaped[name] = typeof value === 'string' ? value.length : JSON.stringify(value);
    }
    for (const name of add) reshaped[name] = ADDED_FIELD_VALUE;
    return reshaped;
  });
}
