/**
 * Replace the output folder as a whole: everything is written to a staging folder beside it
 * and swapped in with renames, so a failed or interrupted build leaves the previous output
 * as it was (or, after a crash between the two renames, restores it on the next run).
 */
import { copyFile, mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";

export type OutputFile = { path: string; content: string | Buffer } | { path: string; copyFrom: string };

export async function writeOutputFolder(outDir: string, files: OutputFile[]): Promise<void> {
  const target = path.resolve(outDir);
  await recoverInterruptedSwap(target);
  const staging = `${target}.staging-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  try {
    for (const file of files) {
      const destination = path.join(staging, file.path);
      if (!destination.startsWith(`${staging}${path.sep}`))
        throw new Error(`refusing to write outside the output: ${file.path}`);
      await mkdir(path.dirname(destination), { recursive: true });
      if ("copyFrom" in file) await copyFile(file.copyFrom, destination);
      else await writeFile(destination, file.content);
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  const previous = `${target}.previous-${process.pid}`;
  const hadOutput = await exists(target);
  if (hadOutput) await rename(target, previous);
  await rename(staging, target);
  if (hadOutput) await rm(previous, { recursive: true, force: true });
}

async function recoverInterruptedSwap(target: string): Promise<void> {
  const parent = path.dirname(target);
  const base = path.basename(target);
  const siblings = await readdir(parent).catch(() => [] as string[]);
  for (const name of siblings) {
    const full = path.join(parent, name);
    if (name.startsWith(`${base}.previous-`)) {
      if (await exists(target)) await rm(full, { recursive: true, force: true });
      else await rename(full, target);
    } else if (name.startsWith(`${base}.staging-`)) {
      await rm(full, { recursive: true, force: true });
    }
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}
