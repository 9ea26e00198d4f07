/** `feedwright keys generate|public`: signing keys and the public key a plugin pins. */
import path from "node:path";
import type { Command } from "commander";
import { parseSigningKey } from "../core/signing.ts";
import { generateSeed, resolveSigningKeys, SIGNING_KEY_ENV } from "../io/keys.ts";
import { type CommandContext, environmentOf } from "./context.ts";

export function addKeysCommand(program: Command, { io }: CommandContext): void {
  const keys = program.command("keys").description("Create signing keys and show the public key a plugin pins.");
  keys
    .command("generate")
    .description(`Print a new private signing key for $${SIGNING_KEY_ENV} (stdout) and its public key (stderr).`)
    .addHelpText(
      "after",
      "\nExample:\n  $ feedwright keys generate > signing-key.txt   then store it as a CI secret and delete the file",
    )
    .action(() => {
      const seed = generateSeed();
      const key = parseSigningKey(seed);
      io.stdout(`${seed}\n`);
      io.stderr(`public key ${key.publicKey} (key id ${key.id}): keep the private key secret; never commit it\n`);
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
