/**
 * feedwright's command line. Exit status: 0 done, 1 bad input (every problem printed as
 * file:line:col), 2 bad usage.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Command, CommanderError } from "commander";
import { loadPlan, runBuild } from "./build.ts";
import { formatProblem, InputError } from "./core/problems.ts";
import { generateJsonSchemas } from "./core/schema.ts";

export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;

interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
}

const defaultIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
};

export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command("feedwright")
    .description("Compile release YAML and plugin source into a static WordPress plugin update feed.")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError("(run with --help for usage)");

  program
    .command("build")
    .description("Validate releases/, package every built release and write the published folder.")
    .option("--root <dir>", "the releases repository (holds releases/ and source/)", ".")
    .option("--out <dir>", "where to write the published folder (replaced as a whole)", "dist")
    .option("--cache <dir>", "package cache (default: <root>/.feedwright/cache/packages)")
    .option("--json", "print the compiled plan and what was built as JSON on stdout")
    .option("--quiet", "no progress lines on stderr")
    .addHelpText(
      "after",
      `
Examples:
  $ feedwright build                      build ./releases into ./dist
  $ feedwright build --out /tmp/feed      write somewhere else
  $ feedwright build --json | jq .plan    inspect what would be offered to whom`,
    )
    .action(async (options: { root: string; out: string; cache?: string; json?: boolean; quiet?: boolean }) => {
      const repoRoot = path.resolve(io.cwd, options.root);
      const outDir = path.resolve(io.cwd, options.out);
      const started = performance.now();
      const report = await runBuild({
        repoRoot,
        outDir,
        ...(options.cache ? { cacheDir: path.resolve(io.cwd, options.cache) } : {}),
        onProgress: (event) => {
          if (!options.quiet && event.state === "packaged") {
            io.stderr(`[${event.done}/${event.total}] packaged ${event.slug} ${event.version}\n`);
          }
        },
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      if (options.json) {
        io.stdout(
          `${JSON.stringify({ plan: report.plan, packaged: report.packaged, reused: report.reused, skipped: report.skipped }, null, 2)}\n`,
        );
      }
      const lines = [
        `built ${path.relative(io.cwd, outDir) || "."}/ in ${seconds}s: ${report.fileCount} files`,
        `  packaged ${report.packaged.length}: ${report.packaged.map((p) => `${p.slug} ${p.version} (${p.source})`).join(", ") || "none (nothing changed)"}`,
        `  reused from cache ${report.reused.length}: ${report.reused.map((p) => `${p.slug} ${p.version}`).join(", ") || "none"}`,
        ...report.skipped.map((s) => `  skipped ${s.slug} ${s.version}: ${s.reason}`),
        ...report.plan.plugins.map(
          (p) => `  ${p.slug}: stable ${p.latest.stable ?? "none"}, beta ${p.latest.beta ?? "none"}`,
        ),
      ];
      io.stderr(`${lines.join("\n")}\n`);
    });

  program
    .command("validate")
    .description("Check every YAML file under releases/ and every pinned source; write nothing.")
    .option("--root <dir>", "the releases repository", ".")
    .addHelpText("after", "\nExample:\n  $ feedwright validate && git push")
    .action(async (options: { root: string }) => {
      const { plan } = await loadPlan({ repoRoot: path.resolve(io.cwd, options.root) }, { checkSources: true });
      const releases = plan.plugins.reduce((sum, plugin) => sum + plugin.releases.length, 0);
      io.stderr(`ok: ${plan.plugins.length} plugin(s), ${releases} release(s), no problems\n`);
    });

  program
    .command("schema")
    .description("Write (or check) the JSON Schema files editors use for releases/*.yaml.")
    .option("--root <dir>", "the releases repository", ".")
    .option("--check", "exit 1 if the files on disk differ from the schema")
    .addHelpText(
      "after",
      "\nExamples:\n  $ feedwright schema           write releases/*.schema.json\n  $ feedwright schema --check   fail if they are stale",
    )
    .action(async (options: { root: string; check?: boolean }) => {
      const schemas = generateJsonSchemas();
      for (const [name, schema] of Object.entries(schemas)) {
        const file = path.join(path.resolve(io.cwd, options.root), "releases", `${name}.schema.json`);
        const text = `${JSON.stringify(schema, null, 2)}\n`;
        if (options.check) {
          const current = await readFile(file, "utf8").catch(() => "");
          if (current !== text) {
            io.stderr(`${path.relative(io.cwd, file)} is out of date: run feedwright schema\n`);
            exitCode = EXIT_INPUT;
          }
        } else {
          await writeFile(file, text);
          io.stderr(`wrote ${path.relative(io.cwd, file)}\n`);
        }
      }
    });

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      ) {
        return EXIT_OK;
      }
      return EXIT_USAGE;
    }
    if (error instanceof InputError) {
      for (const problem of error.problems) io.stderr(`${formatProblem(problem)}\n`);
      io.stderr(`${error.message}; nothing was written\n`);
      return EXIT_INPUT;
    }
    throw error;
  }
}
