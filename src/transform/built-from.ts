import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Which lake a dev warehouse was built from, in a small file beside it: the report warns when it
 * is given another lake, whose panel would describe data the marts do not hold.
 */
export const builtFromPath = (warehousePath: string): string => `${warehousePath}.lake.json`;

/** Before a build: a build that fails half-way leaves a warehouse of no known lake. */
export function forgetBuiltFrom(warehousePath: string): void {
  rmSync(builtFromPath(warehousePath), { force: true });
}

/** After a build: `lake` as dbt read it (file://ABSOLUTE-DIR or s3://BUCKET[/PREFIX]). */
export function recordBuiltFrom(warehousePath: string, lake: string): void {
  const path = builtFromPath(warehousePath);
  const partial = `${path}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify({ lake, builtAt: new Date().toISOString() })}\n`);
  renameSync(partial, path);
}

/** The lake the warehouse was last built from; undefined when no build recorded one. */
export function readBuiltFrom(warehousePath: string): string | undefined {
  try {
    const { lake } = JSON.parse(readFileSync(builtFromPath(warehousePath), 'utf8')) as { lake?: unknown };
    return typeof lake === 'string' ? lake : undefined;
  } catch {
    return undefined;
  }
}

/** A lake's location as the report's store names it, in the form a build records. */
export function sameLake(recorded: string, storeLocation: string): boolean {
  // An S3 store names its server too ("s3://b/p at http://host:port"); the lake is the bucket and prefix.
  const lake = storeLocation.replace(/^(s3:\/\/\S+) at \S+$/, '$1');
  return recorded.replace(/\/+$/, '') === lake.replace(/\/+$/, '');
}
