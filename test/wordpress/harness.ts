/**
 * A real WordPress for tests, on this machine only: Debian's `wordpress` package copied into
 * a temporary folder, MariaDB on a private data directory (unix socket, no TCP), WordPress
 * installed with wp_install() (no network), and `php -S` on 127.0.0.1. Everything is started
 * as child processes of this one and stopped by their process ids; nothing outside the
 * temporary folder is touched.
 *
 * Needs the Debian packages in test/wordpress/install-debian-packages.sh (ensurePackages()
 * runs it when something is missing; that needs root).
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { appendFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const HERE = import.meta.dirname;
export const WORDPRESS_SOURCE = "/usr/share/wordpress";

/** Install the Debian packages the WordPress tests need, if any is missing (root, no stdin). */
export async function ensurePackages(): Promise<void> {
  const script = path.join(HERE, "install-debian-packages.sh");
  try {
    await run("bash", [script], { timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ""}${(error as { stderr?: string }).stderr ?? ""}`;
    throw new Error(`${script} failed:\n${output.trim().split("\n").slice(-15).join("\n")}`);
  }
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(
  what: string,
  attempt: () => Promise<T | null>,
  { timeoutMs = 60_000, intervalMs = 200 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      const result = await attempt();
      if (result !== null) return result;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`);
}

/** A child process in its own process group, so stopping it stops what it started too. */
export interface Service {
  name: string;
  child: ChildProcess;
  /** The last lines it printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Process groups still running; killed if this process exits without stopping them. */
const running = new Set<number>();
process.once("exit", () => {
  for (const group of running) {
    try {
      process.kill(-group, "SIGKILL");
    } catch {}
  }
});

export function startService(
  name: string,
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; logFile?: string } = {},
): Service {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-20_000);
    if (options.logFile) void appendFile(options.logFile, chunk).catch(() => {});
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  if (child.pid !== undefined) running.add(child.pid);
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      if (child.pid !== undefined) running.delete(child.pid);
      resolve();
    }),
  );
  let stopped = false;
  return {
    name,
    child,
    output: () => output,
    async stop() {
      if (stopped || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      stopped = true;
      const group = -child.pid;
      try {
        process.kill(group, "SIGTERM");
      } catch {
        return;
      }
      const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 10_000));
      if ((await Promise.race([exited, timer])) === "timeout") {
        try {
          process.kill(group, "SIGKILL");
        } catch {}
        await exited;
      }
    },
  };
}

function binary(name: string, candidates: string[]): string {
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found)
    throw new Error(`${name} not found (${candidates.join(", ")}): run test/wordpress/install-debian-packages.sh`);
  return found;
}

/**
 * PHP for a test site's must-use plugin: no mail, wordpress.org answered "nothing new" and
 * every other host but 127.0.0.1 refused (the test machine is offline), and the loopback
 * downloads core refuses on odd ports allowed. Test-only; never part of a package.
 */
export const OFFLINE_LOOPBACK_SEAMS = `add_filter( 'pre_wp_mail', '__return_false' );
add_filter(
	'pre_http_request',
	function ( $pre, $args, $url ) {
		$host = wp_parse_url( $url, PHP_URL_HOST );
		if ( '127.0.0.1' === $host ) {
			return $pre;
		}
		if ( 'api.wordpress.org' === $host && false !== strpos( $url, '/plugins/update-check/' ) ) {
			return array(
				'headers'  => array(),
				'body'     => wp_json_encode( array( 'plugins' => array(), 'translations' => array(), 'no_update' => array() ) ),
				'response' => array( 'code' => 200, 'message' => 'OK' ),
				'cookies'  => array(),
				'filename' => null,
			);
		}
		return new WP_Error( 'offline', 'the test site is offline: ' . $url );
	},
	10,
	3
);
// Core refuses loopback downloads on ports other than 80, 443 and 8080.
add_filter(
	'http_request_host_is_external',
	function ( $external, $host ) {
		return '127.0.0.1' === $host ? true : $external;
	},
	10,
	2
);
add_filter(
	'http_allowed_safe_ports',
	function ( $ports, $host, $url ) {
		$port = wp_parse_url( $url, PHP_URL_PORT );
		return '127.0.0.1' === $host && $port ? array_merge( $ports, array( (int) $port ) ) : $ports;
	},
	10,
	3
);`;

/**
 * PHP for a test site's must-use plugin: the feed URL and API base of the updaters with these
 * option prefixes (their `<prefix>_feed_url` and `<prefix>_api_base` filters) taken from the
 * options `fwtest_feed_url` and `fwtest_api_base` when a test sets them. Test-only.
 */
export function testFeedSeams(prefixes: readonly string[]): string {
  const list = prefixes.map((prefix) => `'${prefix}'`).join(", ");
  return `foreach ( array( ${list} ) as $feedwright_prefix ) {
	add_filter(
		$feedwright_prefix . '_feed_url',
		function ( $url ) {
			$test = get_option( 'fwtest_feed_url' );
			return $test ? $test : $url;
		}
	);
	add_filter(
		$feedwright_prefix . '_api_base',
		function ( $url ) {
			$test = get_option( 'fwtest_api_base' );
			return $test ? $test : $url;
		}
	);
}`;
}

/** MariaDB on a private data directory in `dir`, reachable only through a unix socket there. */
export interface MariaDb {
  service: Service;
  socket: string;
  /** The mariadb command-line client. */
  client: string;
}

/**
 * Start MariaDB in `dir` (its data directory `dir/mysql`, socket `dir/mysqld.sock`, no TCP)
 * and create `database`. `extraArgs` go to mariadbd (the Geeklog tests allow INTO OUTFILE in
 * their site's folder). The caller stops the returned service.
 */
export async function startMariaDb(dir: string, database: string, extraArgs: string[] = []): Promise<MariaDb> {
  const dataDir = path.join(dir, "mysql");
  const socket = path.join(dir, "mysqld.sock");
  await mkdir(dataDir);
  await run(
    binary("mariadb-install-db", ["/usr/bin/mariadb-install-db", "/usr/bin/mysql_install_db"]),
    [
      "--no-defaults",
      `--datadir=${dataDir}`,
      "--user=root",
      "--auth-root-authentication-method=normal",
      "--skip-test-db",
      "--skip-name-resolve",
    ],
    { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
  );
  const service = startService(
    "mariadbd",
    binary("mariadbd", ["/usr/sbin/mariadbd", "/usr/sbin/mysqld"]),
    [
      "--no-defaults",
      `--datadir=${dataDir}`,
      `--socket=${socket}`,
      `--pid-file=${path.join(dir, "mysqld.pid")}`,
      "--skip-networking",
      "--skip-name-resolve",
      "--skip-log-bin",
      "--user=root",
      "--innodb-buffer-pool-size=32M",
      "--innodb-log-file-size=16M",
      `--log-error=${path.join(dir, "mysqld.err")}`,
      ...extraArgs,
    ],
    { cwd: dir },
  );
  const client = binary("mariadb", ["/usr/bin/mariadb", "/usr/bin/mysql"]);
  try {
    await waitFor(
      "MariaDB to accept connections",
      async () => {
        await run(client, [
          "--no-defaults",
          `--socket=${socket}`,
          "-uroot",
          "-e",
          `CREATE DATABASE IF NOT EXISTS ${database}`,
        ]);
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 250 },
    );
  } catch (error) {
    await service.stop();
    throw error;
  }
  return { service, socket, client };
}

export interface WordPressSite {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The WordPress folder (ABSPATH). */
  root: string;
  pluginsDir: string;
  /** The temporary folder holding everything (database, site, logs). */
  dir: string;
  debugLog: string;
  /**
   * Run PHP inside WordPress (wp-load.php and wp-admin's includes loaded, user 1 logged in);
   * `code` is the body of a function whose return value comes back as JSON.
   */
  php<T = unknown>(code: string, options?: { timeoutMs?: number }): Promise<T>;
  /** An auth cookie header for user 1, for fetching wp-admin pages over HTTP. */
  adminCookie(): Promise<string>;
  stop(): Promise<void>;
}

export interface WordPressOptions {
  /** PHP code written as a must-use plugin (test seams: hosts, ports, offline wordpress.org). */
  muPlugins?: Record<string, string>;
  title?: string;
}

const RESULT_MARK = "@@FEEDWRIGHT-RESULT@@";

/** Start MariaDB and a freshly installed WordPress under php -S; stop() undoes all of it. */
export async function startWordPress(options: WordPressOptions = {}): Promise<WordPressSite> {
  const dir = await mkdtemp(path.join(tmpdir(), "fw-wp-"));
  const services: Service[] = [];
  const stop = async () => {
    for (const service of services.reverse()) await service.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // The database: a private data directory, reachable only through a socket in `dir`.
    const { service: database, socket } = await startMariaDb(dir, "wordpress");
    services.push(database);

    // WordPress: Debian's copy with its symlinks resolved, and a plain wp-config.php.
    const root = path.join(dir, "wordpress");
    await run("cp", ["-rL", WORDPRESS_SOURCE, root]);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const debugLog = path.join(dir, "debug.log");
    const salt = () => randomBytes(32).toString("hex");
    const keys = ["AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT", "SECURE_AUTH_SALT"]
      .concat(["LOGGED_IN_SALT", "NONCE_SALT"])
      .map((name) => `define( '${name}', '${salt()}' );`)
      .join("\n");
    await writeFile(
      path.join(root, "wp-config.php"),
      `<?php
// Written by test/wordpress/harness.ts for a throw-away test site.
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'root' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', 'localhost:${socket}' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
${keys}
$table_prefix = 'wp_';
define( 'WP_HOME', '${url}' );
define( 'WP_SITEURL', '${url}' );
define( 'FS_METHOD', 'direct' );
define( 'WP_TEMP_DIR', '${path.join(dir, "tmp")}/' );
define( 'DISABLE_WP_CRON', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_AUTO_UPDATE_CORE', false );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_LOG', '${debugLog}' );
define( 'WP_DEBUG_DISPLAY', false );
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
`,
    );
    await mkdir(path.join(dir, "tmp"));
    const muDir = path.join(root, "wp-content", "mu-plugins");
    await mkdir(muDir, { recursive: true });
    for (const [name, code] of Object.entries(options.muPlugins ?? {})) await writeFile(path.join(muDir, name), code);

    const phpEnv = { ...process.env };
    const runPhp = async <T>(code: string, { timeoutMs = 180_000 } = {}): Promise<T> => {
      const script = path.join(dir, `run-${randomBytes(6).toString("hex")}.php`);
      await writeFile(
        script,
        `<?php
$_SERVER['HTTP_HOST']   = '127.0.0.1:${port}';
$_SERVER['SERVER_NAME'] = '127.0.0.1';
$_SERVER['SERVER_PORT'] = '${port}';
$_SERVER['REQUEST_URI'] = '/';
require ${JSON.stringify(path.join(root, "wp-load.php"))};
require_once ABSPATH . 'wp-admin/includes/admin.php';
require_once ABSPATH . 'wp-admin/includes/class-wp-upgrader.php';
require_once ABSPATH . 'wp-admin/includes/class-wp-ajax-upgrader-skin.php';
require_once ABSPATH . 'wp-admin/includes/plugin-install.php';
wp_set_current_user( 1 );
$feedwright_result = ( function () {
${code}
} )();
echo "\\n${RESULT_MARK}" . wp_json_encode( $feedwright_result );
`,
      );
      try {
        const { stdout } = await run("php", ["-d", "display_errors=stderr", "-d", "memory_limit=256M", script], {
          cwd: root,
          env: phpEnv,
          timeout: timeoutMs,
          maxBuffer: 64 * 1024 * 1024,
        });
        const at = stdout.lastIndexOf(RESULT_MARK);
        if (at === -1) throw new Error(`PHP printed no result:\n${stdout.slice(-2000)}`);
        return JSON.parse(stdout.slice(at + RESULT_MARK.length)) as T;
      } catch (error) {
        const failure = error as { stdout?: string; stderr?: string; message?: string };
        if (failure.stdout === undefined) throw error;
        // WordPress sends PHP's own messages to the debug log, not to the output.
        const log = await readFile(debugLog, "utf8").catch(() => "");
        throw new Error(
          `PHP failed: ${failure.message?.split("\n")[0]}\n${(failure.stderr ?? "").slice(-2000)}\ndebug.log:\n${log.slice(-3000)}`,
        );
      } finally {
        await rm(script, { force: true });
      }
    };

    const installScript = path.join(dir, "install.php");
    await writeFile(
      installScript,
      `<?php
define( 'WP_INSTALLING', true );
$_SERVER['HTTP_HOST'] = '127.0.0.1:${port}';
require ${JSON.stringify(path.join(root, "wp-load.php"))};
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
add_filter( 'pre_wp_mail', '__return_false' );
$result = wp_install( ${JSON.stringify(options.title ?? "feedwright test site")}, 'admin', 'admin@example.invalid', false, '', wp_generate_password( 24 ) );
echo is_array( $result ) && ! empty( $result['user_id'] ) ? 'installed' : 'failed';
`,
    );
    const installed = await run("php", [installScript], { cwd: root, env: phpEnv, timeout: 120_000 });
    if (!installed.stdout.includes("installed"))
      throw new Error(`wp_install failed: ${installed.stdout}${installed.stderr}`);

    const server = startService("php -S", "php", ["-S", `127.0.0.1:${port}`, "-t", root], {
      cwd: root,
      env: { ...phpEnv, PHP_CLI_SERVER_WORKERS: "2" },
      logFile: path.join(dir, "php-server.log"),
    });
    services.push(server);
    await waitFor(`php -S on ${url}`, async () => ((await fetch(`${url}/wp-login.php`)).ok ? true : null), {
      timeoutMs: 30_000,
    });

    return {
      url,
      root,
      pluginsDir: path.join(root, "wp-content", "plugins"),
      dir,
      debugLog,
      php: runPhp,
      async adminCookie() {
        const cookie = await runPhp<{ name: string; value: string }>(
          `return array( 'name' => AUTH_COOKIE, 'value' => wp_generate_auth_cookie( 1, time() + HOUR_IN_SECONDS, 'auth' ) );`,
        );
        return `${cookie.name}=${encodeURIComponent(cookie.value)}`;
      },
      stop,
    };
  } catch (error) {
    const logs = await readFile(path.join(dir, "mysqld.err"), "utf8").catch(() => "");
    await stop();
    throw new Error(`${(error as Error).message}${logs ? `\nmysqld.err:\n${logs.slice(-2000)}` : ""}`);
  }
}
