import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dbtDir } from '../paths.js';

/**
 * The models of one folder of dbt/models/ (`marts`, `staging`...), by name, sorted: one `.sql`
 * each. The folder is the list: a mart is added by its SQL and the yml beside it, and whatever
 * needs every mart (the warehouse tests) reads them here.
 */
export function modelsIn(folder: string, project = dbtDir): string[] {
  return readdirSync(join(project, 'models', folder))
    .filter((name) => name.endsWith('.sql'))
    .map((name) => name.slice(0, -'.sql'.length))
    .sort();
}
