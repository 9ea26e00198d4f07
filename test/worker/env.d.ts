// The bindings and main module the workerd tests see (test/worker/wrangler.test.jsonc): the Worker's own.
import type * as Worker from "../../worker/src/index.ts";

declare global {
  namespace Cloudflare {
    interface Env extends Worker.Env {}
    interface GlobalProps {
      mainModule: typeof Worker;
    }
  }
}
