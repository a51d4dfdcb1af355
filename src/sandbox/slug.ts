/** "Director's Cut: Part 2" -> "directors-cut-part-2", the way RAWG builds its slugs. */
export function slugify(name: string): string {
  return name
    .toLowerCase()
    .replace(/['’.]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
