/**
 * The built-in sandbox serves its API under this path, and only it does: a run record whose
 * `api` ends in it fetched synthetic data. Any other base URL (the real API, a proxy, a replay)
 * may hold real data.
 */
export const SANDBOX_PREFIX = '/sandbox';
export const SANDBOX_API_PATH = `${SANDBOX_PREFIX}/api`;

export function isSandboxApi(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).pathname.replace(/\/+$/, '') === SANDBOX_API_PATH;
  } catch {
    return false;
  }
}

/** Every built-in sandbox serves the same kind of synthetic data, on whatever port it was given: one origin, one budget. */
export const SANDBOX_ORIGIN = 'sandbox';
