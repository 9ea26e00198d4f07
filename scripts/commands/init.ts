/**
 * `feedwright init <slug>`: a new WordPress plugin's plugin.yaml and source skeleton. Asks for
 * what the flags leave out when it runs in a terminal; in CI (no terminal, or --yes) the flags
 * and the defaults are the answers, and a missing --api-base is an error.
 */
import path from "node:path";
import type { Command } from "commander";
import { UsageError } from "../core/errors.ts";
import type { NewPluginAnswers } from "../core/new-plugin.ts";
import { initPlugin } from "../init.ts";
import { type CommandContext, environmentOf } from "./context.ts";

type Answers = Omit<NewPluginAnswers, "publicKey">;

interface InitOptions {
  root: string;
  name?: string;
  description?: string;
  author?: string;
  homepage?: string;
  apiBase?: string;
  requiresPhp: string;
  requiresWp: string;
  testedWp: string;
  yes?: boolean;
}

export function addInitCommand(program: Command, { io }: CommandContext): void {
  program
    .command("init")
    .description(
      "Start a new WordPress plugin: plugin.yaml, a source skeleton that requires the updater, the pinned key.",
    )
    .argument("<slug>", "the plugin's slug: lower-case letters, digits and dashes")
    .option("--root <dir>", "the releases repository", ".")
    .option("--name <name>", "display name (default: from the slug)")
    .option("--description <text>", "one line for the plugin header and the pages")
    .option("--author <name>", "the author's name")
    .option("--homepage <url>", "https URL of the plugin's page")
    .option("--api-base <url>", "the Worker's API: its origin followed by /api, e.g. https://updates.example.com/api")
    .option("--requires-php <version>", "lowest PHP version", "7.4")
    .option("--requires-wp <version>", "lowest WordPress version", "6.0")
    .option("--tested-wp <version>", "highest WordPress version tested", "6.7")
    .option("--yes", "ask nothing: take the flags and the defaults")
    .addHelpText(
      "after",
      "\nExamples:\n  $ feedwright init my-plugin        asks for what is missing\n  $ feedwright init my-plugin --yes --api-base https://updates.example.com/api --author 'Me' --homepage https://example.com/my-plugin",
    )
    .action(async (slug: string, options: InitOptions) => {
      const ask = options.yes ? undefined : io.ask;
      const answers = await collectAnswers(slug, options, ask);
      const repoRoot = path.resolve(io.cwd, options.root);
      for (const line of await initPlugin({ repoRoot, env: environmentOf(io), answers })) io.stderr(`${line}\n`);
    });
}

/** `my-plugin` → "My Plugin". */
function titleOf(slug: string): string {
  return slug
    .split("-")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(" ");
}

async function collectAnswers(
  slug: string,
  options: InitOptions,
  ask: ((question: string, fallback: string) => Promise<string>) | undefined,
): Promise<Answers> {
  const name = options.name ?? (ask ? await ask("Plugin name", titleOf(slug)) : titleOf(slug));
  const description = options.description ?? (ask ? await ask("One-line description", `${name}.`) : `${name}.`);
  const author = options.author ?? (ask ? await ask("Author", "") : "");
  const homepage = options.homepage ?? (ask ? await ask("Plugin homepage (https)", "") : "");
  let apiBase = options.apiBase ?? (ask ? await ask("The Worker's API (https://<your updates host>/api)", "") : "");
  if (!ask && apiBase === "")
    throw new UsageError(
      "--api-base: required without a terminal (the Worker's API, such as https://updates.example.com/api)",
    );
  apiBase = apiBase.replace(/\/+$/, "");
  if (!ask && author === "") throw new UsageError("--author: required without a terminal");
  if (!ask && homepage === "") throw new UsageError("--homepage: required without a terminal");
  return {
    slug,
    name,
    description,
    author,
    homepage,
    apiBase,
    requiresPhp: options.requiresPhp,
    requiresWp: options.requiresWp,
    testedWp: options.testedWp,
  };
}
