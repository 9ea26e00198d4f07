import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** Every file below `root`, as paths relative to it with forward slashes, sorted. */
export function listFiles(root: string, relative = ""): string[] {
  return readdirSync(path.join(root, relative), { withFileTypes: true })
    .flatMap((entry) => {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      return entry.isDirectory() ? listFiles(root, child) : [child];
    })
    .sort();
}

/** Every file below `root` with its bytes: compare two of these to compare two folders. */
export function snapshotFiles(root: string): Map<string, Buffer> {
  return new Map(listFiles(root).map((file) => [file, readFileSync(path.join(root, file))]));
}
