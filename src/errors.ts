/**
 * Errors a user can act on. Each carries the exit code the CLI ends with and a message that
 * fits on one line and names what to do. Messages never contain secrets.
 */
export class GmpError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad flags, env or config: exit 2. */
export class ConfigError extends GmpError {
  override readonly exitCode = 2;
}

/** The lake holds another API's data: a usage error, exit 2; the run sends no request. */
export class LakeBoundError extends ConfigError {}

/** The API refused the key: missing or unknown. Never retried. */
export class ApiKeyError extends GmpError {}

/** The RAWG monthly quota is spent. Never retried: it is not a 429. */
export class QuotaExhaustedError extends GmpError {}

/** The API kept failing after every retry, or answered with something unusable. */
export class ApiError extends GmpError {}

/** The run would spend more requests than the month's budget has left. */
export class BudgetExceededError extends GmpError {}

/** The object store could not be reached or refused the request. */
export class StoreUnavailableError extends GmpError {}

/** The lake cannot take writes: a full disk, a read-only directory, a bucket that refuses PUTs. */
export class LakeNotWritableError extends GmpError {}

/** An object in the lake is empty or not what the pipeline wrote (edited, or damaged outside it). */
export class CorruptObjectError extends GmpError {}

/** The bucket named in LAKE_URL does not exist. */
export class BucketMissingError extends GmpError {}

/** The warehouse build failed: the venv could not be made, or dbt reported an error. */
export class TransformError extends GmpError {}

/** Files generated from config/endpoints.json differ from what it gives now. */
export class StaleGeneratedFilesError extends GmpError {}

/** The market report could not be made: no warehouse, no marts, or the warehouse is in use. */
export class ReportError extends GmpError {}

/** The build finished, but its data is not current: a dbt test failed, or an endpoint is past its errorAfterDays. */
export class NotCurrentError extends GmpError {}
