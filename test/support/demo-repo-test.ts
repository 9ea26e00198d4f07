/**
 * A vitest fixture, apart from scratch-repo.ts: that file is also loaded by globalSetup
 * (test/worker/fixture-feed.ts), where vitest's test API must not be touched.
 */
import { test } from "vitest";
import { createDemoRepo, type DemoRepo } from "./scratch-repo.ts";

/**
 * `it` with a fresh demo repository (createDemoRepo) for each test, removed after it:
 * `demoRepoTest("...", async ({ repo }) => ...)`. No test sees what another one changed.
 */
export const demoRepoTest = test.extend<{ repo: DemoRepo }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads which fixtures a fixture uses from this pattern
  repo: async ({}, use) => {
    const repo = createDemoRepo();
    try {
      await use(repo);
    } finally {
      repo.cleanup();
    }
  },
});
