/**
 * A worker thread of zip-pool.ts: zips the sorted, checked items it is sent with the pure ZIP
 * writer and sends the bytes back (moved, not copied). Plain JavaScript, like the writer, so
 * that the thread does not load Node's TypeScript stripper (see scripts/core/zip-writer.js).
 */
import { parentPort } from "node:worker_threads";
import { zipSortedItems } from "../core/zip-writer.js";

/**
 * @typedef {object} ZipRequest
 * @property {number} id
 * @property {{ name: Uint8Array; content: Uint8Array | null }[]} items
 * @property {number} time Milliseconds since the epoch.
 */

/** @typedef {{ id: number; zip: Uint8Array } | { id: number; error: string }} ZipAnswer */

/** @param {Uint8Array} bytes */
const asBuffer = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

parentPort?.on("message", (/** @type {ZipRequest} */ { id, items, time }) => {
  /** @type {ZipAnswer} */
  let answer;
  try {
    const zip = zipSortedItems(
      items.map((item) => ({ name: asBuffer(item.name), content: item.content ? asBuffer(item.content) : null })),
      time,
    );
    answer = { id, zip };
  } catch (error) {
    answer = { id, error: error instanceof Error ? error.message : String(error) };
  }
  // The ZIP's memory is its own (allocated whole by the writer): it moves to the main thread.
  parentPort?.postMessage(answer, "zip" in answer ? [/** @type {ArrayBuffer} */ (answer.zip.buffer)] : []);
});
