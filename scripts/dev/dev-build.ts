/**
 * The build `npm run dev` serves: `feedwright build` as it is (the same checks, messages and
 * packages), then the JSON documents and pages written again pointing at the dev server's own
 * origin, so every URL a site or the update-checker library follows (info.json's download_url,
 * check-update's download_url and info_url, the feed's and releases.json's package URLs) stays
 * on this machine instead of leading to the production api_base.
 *
 *   node scripts/dev/dev-build.ts --out dist --origin http://127.0.0.1:8787
 *
 * Packages are built once, from plugin.yaml as it is: the second pass takes every one from the
 * package cache the first just filled, so their bytes (and the api_base inside them) are the
 * ones `feedwright build` publishes. Only the JSON documents, the pages, manifest.json and the
 * signed feed differ, and they stay signed: `feedwright verify` passes on this folder too.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { runBuild } from "../build.ts";
import { main } from "../cli.ts";
import { FeedwrightError } from "../core/errors.ts";
import { resolveSigningKeys } from "../io/keys.ts";

export interface DevBuildOptions {
  /** The releases repository. */
  root: string;
  outDir: string;
  /** Where the dev server answers, e.g. http://127.0.0.1:8787. */
  origin: string;
  env?: NodeJS.ProcessEnv;
  stderr?(text: string): void;
}

/** An http(s) origin, without a path; anything else is refused before anything is built. */
export function parseDevOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--origin: expected an http(s) origin such as http://127.0.0.1:8787, found "${text}"`);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.pathname !== "/" || url.search || url.hash)
    throw new Error(`--origin: expected an http(s) origin such as http://127.0.0.1:8787, found "${text}"`);
  return url.origin;
}

/** Builds for the dev server; resolves to the exit status `feedwright build` would give. */
export async function buildForDev(options: DevBuildOptions): Promise<number> {
  const env = options.env ?? process.env;
  const stderr = options.stderr ?? ((text: string) => process.stderr.write(text));
  const origin = parseDevOrigin(options.origin);
  const code = await main(["build", "--root", options.root, "--out", options.outDir], {
    stdout: (text) => process.stdout.write(text),
    stderr,
    cwd: options.root,
    env,
  });
  if (code !== 0) return code;
  try {
    // The key the first pass signed with (created by it if this is the first build here).
    const signing = await resolveSigningKeys({
      env,
      repoRoot: options.root,
      createDevKey: false,
      requireEnvironmentKey: false,
    });
    const report = await runBuild({
      repoRoot: options.root,
      outDir: options.outDir,
      keys: signing.keys,
      documentOrigin: origin,
    });
    stderr(
      `documents point at ${origin} (npm run dev); packages as built above (${report.reused.length} from the cache)\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof FeedwrightError) {
      for (const line of error.report()) stderr(`${line}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { values } = parseArgs({
    options: {
      root: { type: "string", default: path.resolve(import.meta.dirname, "..", "..") },
      out: { type: "string", default: "dist" },
      origin: { type: "string", default: "http://127.0.0.1:8787" },
    },
  });
  const root = path.resolve(values.root);
  try {
    parseDevOrigin(values.origin);
  } catch (error) {
    console.error(`npm run dev: ${(error as Error).message}`);
    process.exit(2);
  }
  process.exitCode = await buildForDev({ root, outDir: path.resolve(root, values.out), origin: values.origin });
}
