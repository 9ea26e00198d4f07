import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const timeouts = { testTimeout: 120_000, hookTimeout: 120_000 };

export default defineConfig({
  test: {
    projects: [
      {
        // Node: the build, the CLI, pages in Chromium, and the Worker through wrangler's harness.
        test: {
          name: "node",
          include: ["test/**/*.test.ts"],
          exclude: ["test/worker/**", "test/wordpress/**", "**/node_modules/**"],
          ...timeouts,
        },
      },
      {
        // workerd: the Worker's routes with real KV, Durable Objects and rate limits.
        plugins: [cloudflareTest({ wrangler: { configPath: "./test/worker/wrangler.test.jsonc" } })],
        test: {
          name: "workerd",
          include: ["test/worker/**/*.test.ts"],
          globalSetup: ["./test/worker/global-setup.ts"],
          ...timeouts,
        },
      },
    ],
  },
});
