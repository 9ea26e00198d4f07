/** `feedwright schema`: the JSON Schema files editors use for releases/*.yaml. */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Command } from "commander";
import { EXIT_INPUT } from "../core/errors.ts";
import { generateJsonSchemas } from "../core/schema.ts";
import type { CommandContext } from "./context.ts";

export function addSchemaCommand(program: Command, context: CommandContext): void {
  const { io } = context;
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
      for (const [name, schema] of Object.entries(generateJsonSchemas())) {
        const file = path.join(path.resolve(io.cwd, options.root), "releases", `${name}.schema.json`);
        const text = `${JSON.stringify(schema, null, 2)}\n`;
        if (options.check) {
          const current = await readFile(file, "utf8").catch(() => "");
          if (current !== text) {
            io.stderr(`${path.relative(io.cwd, file)} is out of date: run feedwright schema\n`);
            context.fail(EXIT_INPUT);
          }
        } else {
          await writeFile(file, text);
          io.stderr(`wrote ${path.relative(io.cwd, file)}\n`);
        }
      }
    });
}
