/**
 * Packaging on every core: deflating is most of what making a package costs, and Node's
 * asynchronous zlib spends more on small files (a plugin's are a few KiB each) in handing them
 * to the thread pool than in compressing them. So each package is zipped whole, synchronously,
 * by the same pure writer (zip-writer.js: same zlib, same bytes), either on a worker
 * thread or, when the workers already have one waiting, on the main thread, which otherwise
 * reads the next release's source and hashes and signs what comes back. With one worker that
 * keeps two cores busy for a few MiB (a worker thread loads Node and the writer, no TypeScript).
 *
 * The first few packages of a run are zipped on the main thread: a build that makes a few
 * (a release added, a release day) starts no thread at all.
 */
import { Worker } from "node:worker_threads";
import { sortZipItems, type ZipEntry } from "../core/packaging.ts";
import { zipSortedItems } from "../core/zip-writer.js";

/** What a worker thread is sent (see zip-worker.js) and answers. */
interface ZipRequest {
  id: number;
  items: { name: Uint8Array; content: Uint8Array | null }[];
  time: number;
}
type ZipAnswer = { id: number; zip: Uint8Array } | { id: number; error: string };

/** Packages zipped on the main thread before any worker thread is started. */
const ZIPPED_BEFORE_THREADS = 4;

interface Task {
  request: ZipRequest;
  resolve(zip: Buffer): void;
  reject(error: Error): void;
}

interface PoolWorker {
  worker: Worker;
  task: Task | null;
}

export class ZipPool {
  private readonly size: number;
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Task[] = [];
  private requests = 0;
  private failure: Error | null = null;

  /** `size` worker threads at most; 0 zips everything on the main thread. */
  constructor(size: number) {
    this.size = size;
  }

  zip(topFolder: string, entries: ZipEntry[], date: Date): Promise<Buffer> {
    this.requests += 1;
    let items: ReturnType<typeof sortZipItems>;
    try {
      // Checked here, on the main thread, whichever thread deflates.
      items = sortZipItems(topFolder, entries);
      if (this.size === 0 || this.requests <= ZIPPED_BEFORE_THREADS || this.queue.length > 0 || this.failure)
        return Promise.resolve(zipSortedItems(items, date.getTime()));
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      const request: ZipRequest = { id: this.requests, items, time: date.getTime() };
      this.queue.push({ request, resolve, reject });
      this.dispatch();
    });
  }

  /** Ends the worker threads (after the tasks they are on). */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    await Promise.all(workers.map(({ worker }) => worker.terminate()));
  }

  private dispatch(): void {
    for (;;) {
      const task = this.queue[0];
      if (!task) return;
      let idle = this.workers.find((candidate) => candidate.task === null);
      if (!idle && this.workers.length < this.size) idle = this.startWorker();
      if (!idle) return;
      this.queue.shift();
      idle.task = task;
      idle.worker.postMessage(task.request);
    }
  }

  private startWorker(): PoolWorker {
    const worker = new Worker(new URL("./zip-worker.js", import.meta.url));
    const entry: PoolWorker = { worker, task: null };
    worker.on("message", (answer: ZipAnswer) => {
      const task = entry.task;
      entry.task = null;
      if (task && "zip" in answer)
        task.resolve(Buffer.from(answer.zip.buffer, answer.zip.byteOffset, answer.zip.byteLength));
      else if (task && "error" in answer) task.reject(new Error(answer.error));
      this.dispatch();
    });
    worker.on("error", (error) => {
      this.failure ??= error;
      const index = this.workers.indexOf(entry);
      if (index >= 0) this.workers.splice(index, 1);
      entry.task?.reject(error);
      for (const task of this.queue.splice(0)) task.reject(error);
    });
    this.workers.push(entry);
    return entry;
  }
}
