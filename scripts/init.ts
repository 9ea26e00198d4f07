/**
 * `feedwright init <slug>`: start a new WordPress plugin in a releases repository. Writes
 * plugin.yaml and a minimal source tree (scripts/core/new-plugin.ts decides them), pins the
 * public half of the key builds sign with, and writes the JSON Schema files editors read when
 * the repository has none. Writes nothing when anything is wrong, and never overwrites.
 */
import { mkdir, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { ReleaseError, UsageError } from "./core/errors.ts";
import { type NewPluginAnswers, newPluginProblems, renderNewPlugin } from "./core/new-plugin.ts";
import { generateJsonSchemas } from "./core/schema.ts";
import { resolveSigningKeys } from "./io/keys.ts";

export async function initPlugin(input: {
  repoRoot: string;
  env: NodeJS.ProcessEnv;
  answers: Omit<NewPluginAnswers, "publicKey">;
}): Promise<string[]> {
  const { repoRoot } = input;
  const checked = newPluginProblems({ ...input.answers, publicKey: "" });
  if (checked.length > 0) throw new UsageError(checked.join("\n"));
  const { slug } = input.answers;
  for (const folder of [`releases/${slug}`, `source/${slug}`]) {
    if (await exists(path.join(repoRoot, folder)))
      throw new ReleaseError(`${folder}/ already exists: feedwright init starts a new plugin and overwrites nothing`);
  }
  // The key the build signs with (a development key is created if there is none): the
  // updater pins its public half, so packages built here verify on the sites that run them.
  const { keys, source } = await resolveSigningKeys({ env: input.env, repoRoot, createDevKey: true });
  const publicKey = keys[0]?.publicKey ?? "";
  const files = renderNewPlugin({ ...input.answers, publicKey });
  for (const [name, schema] of Object.entries(generateJsonSchemas())) {
    const file = `releases/${name}.schema.json`;
    if (!(await exists(path.join(repoRoot, file))))
      files.push({ path: file, text: `${JSON.stringify(schema, null, 2)}\n` });
  }
  await writeAll(repoRoot, files, [`releases/${slug}`, `source/${slug}`]);
  return [
    ...files.map((file) => `wrote ${file.path}`),
    `pinned the public key ${publicKey} (${source}) in public_keys`,
    "next:",
    `  feedwright release ${slug} 1.0.0          the version into the source, a draft releases/${slug}/1.0.0.yaml`,
    `  write the changelog in releases/${slug}/1.0.0.yaml, then: git add -A && git commit`,
    `  feedwright promote ${slug} 1.0.0 released  pins the source commit and records the package's sha256`,
  ];
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** Every file, exclusively created; on any failure what was written and the new plugin's folders go again. */
async function writeAll(repoRoot: string, files: { path: string; text: string }[], folders: string[]): Promise<void> {
  const written: string[] = [];
  try {
    for (const file of files) {
      const target = path.join(repoRoot, file.path);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, file.text, { flag: "wx" });
      written.push(target);
    }
  } catch (error) {
    for (const target of written) await rm(target, { force: true });
    for (const folder of folders) await rm(path.join(repoRoot, folder), { recursive: true, force: true });
    throw error;
  }
}
