/** `feedwright keys generate|public`: signing keys and the public key a plugin pins. */
import path from "node:path";
import type { Command } from "commander";
import { parseSigningKey } from "../core/signing.ts";
import { generatedKeyPath, generateSeed, resolveSigningKeys, SIGNING_KEY_ENV, writeNewPrivateKey } from "../io/keys.ts";
import { type CommandContext, environmentOf, withRootOption } from "./context.ts";

export function addKeysCommand(program: Command, { io }: CommandContext): void {
  const keys = program.command("keys").description("Create signing keys and show the public key a plugin pins.");
  withRootOption(
    keys
      .command("generate")
      .description(
        "Write a new private signing key to a file only you can read (mode 0600) and print its public key on stdout.",
      )
      .option(
        "--out <file>",
        "where to write the private key (default: <root>/.feedwright/keys/signing-key, git-ignored)",
      ),
    "the releases repository (the default --out is in its .feedwright/keys/)",
  )
    .addHelpText(
      "after",
      `
Examples:
  $ feedwright keys generate                       public key on stdout: plugin.yaml's public_keys
  $ gh secret set ${SIGNING_KEY_ENV} < .feedwright/keys/signing-key && rm .feedwright/keys/signing-key`,
    )
    .action(async (options: { root: string; out?: string }) => {
      const repoRoot = path.resolve(io.cwd, options.root);
      const file = options.out ? path.resolve(io.cwd, options.out) : generatedKeyPath(repoRoot);
      const seed = generateSeed();
      const key = parseSigningKey(seed);
      await writeNewPrivateKey(file, seed, path.dirname(generatedKeyPath(repoRoot)));
      // stdout carries the public key alone, so $(feedwright keys generate) is exactly it.
      io.stdout(`${key.publicKey}\n`);
      io.stderr(
        `wrote a new private signing key (key id ${key.id}) to ${path.relative(io.cwd, file) || file}, mode 0600\n` +
          `  store it as the CI secret $${SIGNING_KEY_ENV}, then delete the file; never commit it\n` +
          "  its public key (stdout) goes into plugin.yaml's public_keys and the FEEDWRIGHT_PUBLIC_KEY variable\n",
      );
    });
  keys
    .command("public")
    .description("Print the public key (base64 of the raw 32 bytes) of the key builds sign with.")
    .option("--root <dir>", "the releases repository", ".")
    .addHelpText("after", "\nExample:\n  $ feedwright keys public        what the updater in the plugin pins")
    .action(async (options: { root: string }) => {
      const signing = await resolveSigningKeys({
        env: environmentOf(io),
        repoRoot: path.resolve(io.cwd, options.root),
      });
      for (const [index, key] of signing.keys.entries()) {
        io.stdout(`${key.publicKey}\n`);
        io.stderr(`${index === 0 ? "current" : "next"} key ${key.id} from ${signing.source}\n`);
      }
    });
}
