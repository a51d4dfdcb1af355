import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { EndpointsFile } from '../config/schema.js';

/** What dbt writes into the project folder: its output, never its input. */
const DBT_OUTPUT = new Set(['target', 'logs', 'dbt_packages', '__pycache__']);

export interface BuildInputs {
  /** The dbt project folder: models, macros, tests, the generated sources, the profile, the requirements. */
  dbtDir: string;
  /** config/endpoints.json as loaded (thresholds and endpoints). */
  endpoints: EndpointsFile;
  /** Where and on what dbt builds: target, warehouse file, lake, S3 endpoint. */
  where: Record<string, string | undefined>;
}

/**
 * A fingerprint of everything besides the lake's partitions that a dev build's result depends on:
 * every file of the dbt project but dbt's own output (so the profile, the requirements and the
 * generated sources too), the endpoints config, and where the build reads and writes. Reading the
 * project's few dozen small files costs milliseconds; equal fingerprints mean a build would run
 * the same SQL on the same settings.
 */
export function buildInputsFingerprint({ dbtDir, endpoints, where }: BuildInputs): string {
  const hash = createHash('sha256');
  for (const path of projectFiles(dbtDir)) {
    hash.update(`${relative(dbtDir, path)}\0`);
    hash.update(readFileSync(path));
    hash.update('\0');
  }
  hash.update(JSON.stringify(endpoints));
  hash.update('\0');
  hash.update(JSON.stringify(Object.entries(where).sort(([a], [b]) => a.localeCompare(b))));
  return hash.digest('hex');
}

/** The project's files, sorted: hidden files (dbt's .user.yml) and dbt's output folders left out. */
function projectFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || DBT_OUTPUT.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...projectFiles(path));
    else if (entry.isFile()) files.push(path);
  }
  return files.sort();
}
