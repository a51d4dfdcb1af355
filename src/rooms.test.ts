import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The rooms of src/ and who may enter whose: the pipeline's steps (ingest, compact, transform,
 * report) are siblings that meet only in the shared rooms; the lake room reads and spells the lake
 * for all of them and depends on none; the warehouse room holds the record a build leaves beside
 * the warehouse (transform writes it, the report reads it); only the CLI (`commands/`) knows
 * every room.
 */
const STEPS = ['ingest', 'compact', 'transform', 'report'];
const SHARED = ['lake', 'warehouse', 'config', 'source', 'lineage'];
const FORBIDDEN: Record<string, string[]> = {
  ...Object.fromEntries(
    STEPS.map((step) => [step, [...STEPS.filter((other) => other !== step), 'commands', 'sandbox']]),
  ),
  lake: [...STEPS, 'commands', 'warehouse', 'lineage', 'source', 'sandbox'],
  warehouse: [...STEPS, 'commands', 'lineage', 'source', 'sandbox'],
  config: [...STEPS, ...SHARED.filter((room) => room !== 'config'), 'commands', 'sandbox'],
  source: [...STEPS, 'commands', 'warehouse', 'lineage', 'sandbox'],
  lineage: [...STEPS, 'commands', 'warehouse', 'sandbox'],
  sandbox: [...STEPS, 'commands', 'lineage'],
};

const SRC = import.meta.dirname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every `room -> room/module` a source file imports from another room. */
function crossRoomImports(): string[] {
  const edges = new Set<string>();
  for (const file of sourceFiles(SRC)) {
    const [room, ...rest] = relative(SRC, file).split('/');
    if (!rest.length) continue;
    for (const [, target] of readFileSync(file, 'utf8').matchAll(/from '\.\.\/([a-z-]+\/[a-z-]+)\.js'/g)) {
      if (!target!.startsWith(`${room}/`)) edges.add(`${room} -> ${target}`);
    }
  }
  return [...edges].sort();
}

describe('the rooms of src/', () => {
  it('import only what their place allows: the steps meet in the shared rooms, never in each other', () => {
    const forbidden = crossRoomImports().filter((edge) => {
      const [room, target] = edge.split(' -> ') as [string, string];
      return FORBIDDEN[room]?.includes(target.split('/')[0]!);
    });
    expect(forbidden).toEqual([]);
  });
});
