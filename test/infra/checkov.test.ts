// checkov (pinned, in its own venv, no downloads) over all of infra/, and OpenTofu's formatter.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkovBin, infraDir, repoRoot, requireTool, run, tofuBin } from './support.js';

interface CheckovCheck {
  check_id: string;
  resource: string;
  file_path: string;
  check_result: { result: string; suppress_comment?: string };
}

interface CheckovReport {
  check_type: string;
  results: { failed_checks: CheckovCheck[]; skipped_checks: CheckovCheck[]; parsing_errors: string[] };
  summary: { passed: number; failed: number; skipped: number; resource_count: number; checkov_version: string };
}

let report: CheckovReport;
let home: string;

beforeAll(async () => {
  requireTool(checkovBin);
  home = await mkdtemp(path.join(os.tmpdir(), 'gmp-checkov-'));
  const result = await run(
    checkovBin,
    ['--directory', infraDir, '--framework', 'terraform', '--skip-download', '--output', 'json', '--compact'],
    {
      env: { ...process.env, HOME: home, CKV_SKIP_PACKAGE_UPDATE_CHECK: 'true', BC_SKIP_MAPPING: 'TRUE' },
      timeoutMs: 280_000,
    },
  );
  // checkov exits 1 when a check fails; the report says which, so parse it either way.
  if (result.code > 1 || !result.stdout.trim().startsWith('{'))
    throw new Error(`checkov did not produce a report:\n${result.stderr}${result.stdout.slice(0, 2000)}`);
  report = JSON.parse(result.stdout) as CheckovReport;
}, 300_000);

afterAll(async () => {
  if (home) await rm(home, { recursive: true, force: true });
});

describe('checkov over infra/', () => {
  it('scans every stack and the module', () => {
    expect(report.check_type).toBe('terraform');
    expect(report.results.parsing_errors).toEqual([]);
    expect(report.summary.resource_count).toBeGreaterThan(40);
    expect(report.summary.passed).toBeGreaterThan(100);
  });

  it('has no failed check', () => {
    const failed = report.results.failed_checks.map((c) => `${c.check_id} ${c.resource} (${c.file_path})`);
    expect(failed).toEqual([]);
  });

  it('justifies every skip in a comment beside it', () => {
    expect(report.summary.skipped).toBeGreaterThan(0);
    for (const skip of report.results.skipped_checks) {
      expect(
        skip.check_result.suppress_comment?.trim().length ?? 0,
        `${skip.check_id} on ${skip.resource} needs a reason`,
      ).toBeGreaterThan(30);
    }
  });
});

describe('tofu fmt', () => {
  it('leaves every .tf file under infra/ unchanged', async () => {
    const { TF_CLI_CONFIG_FILE: _ignored, ...env } = process.env; // fmt needs no CLI configuration
    const result = await run(requireTool(tofuBin), ['fmt', '-check', '-recursive', '-diff', 'infra'], {
      cwd: repoRoot,
      env,
    });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
