/**
 * A worker thread of zip-pool.ts: zips what it is sent with the pure ZIP writer and sends the
 * bytes back (moved, not copied).
 */
import { parentPort } from "node:worker_threads";
import { zipDeterministically } from "../core/packaging.ts";

export interface ZipRequest {
  id: number;
  topFolder: string;
  entries: { path: string; content: Uint8Array }[];
  /** Milliseconds since the epoch. */
  date: number;
}

export type ZipAnswer = { id: number; zip: Uint8Array } | { id: number; error: string };

parentPort?.on("message", ({ id, topFolder, entries, date }: ZipRequest) => {
  let answer: ZipAnswer;
  try {
    const zip = zipDeterministically(
      topFolder,
      entries.map((entry) => ({
        path: entry.path,
        content: Buffer.from(entry.content.buffer, entry.content.byteOffset, entry.content.byteLength),
      })),
      new Date(date),
    );
    answer = { id, zip };
  } catch (error) {
    answer = { id, error: error instanceof Error ? error.message : String(error) };
  }
  // The ZIP's memory is its own (allocated whole by the writer): it moves to the main thread.
  parentPort?.postMessage(answer, "zip" in answer ? [answer.zip.buffer as ArrayBuffer] : []);
});
