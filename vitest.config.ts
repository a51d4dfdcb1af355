import { defineConfig } from 'vitest/config';

/**
 * Two tiers. `unit`: tests that need nothing but Node and node_modules (no server, no child
 * process, no .tools, no dist/), so they run on a fresh clone in seconds: `make test-unit`.
 * `integration`: everything that starts a server, spawns the CLI or a tool, or builds a
 * warehouse, or does heavy work (test/report/year-axis.test.ts renders 90 charts). A test in
 * src/ is a unit test unless it is listed here.
 */
const SRC_TESTS_WITH_SERVERS = [
  'src/sandbox/server.test.ts', // the sandbox over HTTP, and the CLI as a child process
  'src/source/client.test.ts', // the client against an HTTP sandbox
  'src/report/render-chart.test.ts', // a local HTTP server the offline loader must never reach
];

// The pinned AWS SDK supports Node 20; its notice about future releases is noise in test output.
const env = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          exclude: SRC_TESTS_WITH_SERVERS,
          testTimeout: 20_000,
          // Unit tests keep no global state (no module mocks, no env or timer stubs), so their files
          // share a worker's module cache: a fresh worker per file cost more than the tests.
          isolate: false,
          env,
        },
      },
      {
        test: {
          name: 'integration',
          include: [...SRC_TESTS_WITH_SERVERS, 'test/**/*.test.ts', 'dagger/src/**/*.test.ts', 'bench/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Integration tests start servers and child processes; two cores run them best one file at a time.
          fileParallelism: false,
          env,
        },
      },
    ],
  },
});
