import path from "node:path";
import { defineConfig } from "vitest/config";

// `npm run test:wordpress`: the updater in a real WordPress (Debian's packages, MariaDB, php -S)
// against the feed served by `npm run dev`. Separate from `npm test`, which never runs these.
export default defineConfig({
  root: path.resolve(import.meta.dirname, "..", ".."),
  test: {
    name: "wordpress",
    include: ["test/wordpress/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 900_000,
  },
});
