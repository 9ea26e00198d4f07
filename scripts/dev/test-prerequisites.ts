/**
 * `npm test` runs this first (the `pretest` script): the programs the tests call must be on
 * this machine, so a missing one stops the run here with what to do, instead of failing or
 * skipping tests later.
 *
 * On Debian or Ubuntu it installs what is missing (scripts/dev/install-debian-packages.sh,
 * as root or through passwordless sudo). Where it cannot, it exits 1 with the exact command
 * to run.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const INSTALL_SCRIPT = path.join(ROOT, "scripts/dev/install-debian-packages.sh");

interface Tool {
  /** What the tests use it for. */
  why: string;
  /** The Debian package that brings it. */
  debian: string;
  /** Whether it is there and works. */
  present(): boolean;
}

/** An executable named `name` on PATH. */
function onPath(name: string): boolean {
  for (const folder of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!folder) continue;
    try {
      accessSync(path.join(folder, name), constants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

const command = (name: string, why: string, debian = name): [string, Tool] => [
  name,
  { why, debian, present: () => onPath(name) },
];

/** A PHP extension the Geeklog client test needs (php -m lists it). */
const phpExtension = (extension: string, debian: string): [string, Tool] => [
  `php ${extension}`,
  {
    why: "Geeklog's repository client, run by test/geeklog/",
    debian,
    present: () =>
      onPath("php") && spawnSync("php", ["-r", `exit(extension_loaded('${extension}') ? 0 : 1);`]).status === 0,
  },
];

/** The browser the page tests drive: CHROMIUM_PATH, or Debian's chromium. */
const chromiumPath = (): string => process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const TOOLS: ReadonlyMap<string, Tool> = new Map([
  command("git", "pinned sources are read from git"),
  command("unzip", "the package checks, as in the original release checklist"),
  command("curl", "the original checklist's commands against npm run dev"),
  command("python3", "python3 -m json.tool, as in the original checklist"),
  [
    "php",
    {
      why: "signatures checked with PHP's sodium, as WordPress core checks them; the updater's PHP",
      debian: "php-cli",
      present: () =>
        onPath("php") &&
        spawnSync("php", ["-r", "exit(function_exists('sodium_crypto_sign_verify_detached') ? 0 : 1);"]).status === 0,
    },
  ],
  command("phpcs", "the updater's PHP is linted with PHP_CodeSniffer", "php-codesniffer"),
  [
    "mariadbd",
    {
      why: "the Geeklog client test's database (started privately, never as a service)",
      debian: "mariadb-server",
      present: () => existsSync("/usr/sbin/mariadbd") || existsSync("/usr/sbin/mysqld"),
    },
  ],
  phpExtension("mysqli", "php-mysql"),
  phpExtension("xmlreader", "php-xml"),
  phpExtension("zip", "php-zip"),
  phpExtension("curl", "php-curl"),
  [
    "pear",
    {
      why: "Geeklog's client removes files with PEAR's System::rm",
      debian: "php-pear",
      present: () => existsSync("/usr/share/php/System.php"),
    },
  ],
  [
    "chromium",
    {
      why: "the pages are tested in a real headless browser (or set CHROMIUM_PATH)",
      debian: "chromium",
      present: () => existsSync(chromiumPath()),
    },
  ],
]);

function missingTools(): string[] {
  return [...TOOLS].filter(([, tool]) => !tool.present()).map(([name]) => name);
}

function isDebian(): boolean {
  return existsSync("/etc/debian_version") && onPath("apt-get") && onPath("dpkg-query");
}

/** How this process can run the install script as root, or null when it cannot without a password. */
function asRoot(): string[] | null {
  if (process.getuid?.() === 0) return [];
  if (onPath("sudo") && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0) return ["sudo", "-n"];
  return null;
}

function main(): number {
  const missing = missingTools();
  if (missing.length === 0) return 0;
  const list = missing.map((name) => `  ${name}: ${TOOLS.get(name)?.why}`).join("\n");
  const packages = [...new Set(missing.map((name) => TOOLS.get(name)?.debian ?? name))];
  if (!isDebian()) {
    console.error(
      `npm test needs programs this machine lacks:\n${list}\n` +
        `Install them with your system's package manager (Debian and Ubuntu call them: ${packages.join(" ")}), ` +
        "put them on PATH (or set CHROMIUM_PATH to a Chromium or Chrome binary) and run npm test again.",
    );
    return 1;
  }
  // Only what is missing: a browser named by CHROMIUM_PATH needs no chromium package (on Ubuntu
  // that package only installs the snap).
  const script = path.relative(process.cwd(), INSTALL_SCRIPT) || INSTALL_SCRIPT;
  const install = ["bash", script, "--for", "npm test", ...packages];
  const shown = install.map((word) => (/^[\w./-]+$/.test(word) ? word : `'${word}'`)).join(" ");
  const prefix = asRoot();
  if (prefix === null) {
    console.error(
      `npm test needs programs this machine lacks:\n${list}\n` +
        `Install them (as root), then run npm test again:\n  sudo ${shown}`,
    );
    return 1;
  }
  console.error(`npm test needs programs this machine lacks:\n${list}\nInstalling: ${[...prefix, shown].join(" ")}`);
  const [program = "bash", ...args] = [...prefix, ...install];
  if (spawnSync(program, args, { stdio: "inherit" }).status !== 0) return 1;
  const still = missingTools();
  if (still.length > 0) {
    console.error(`npm test: still missing after the install: ${still.join(", ")} (is it on PATH?)`);
    return 1;
  }
  return 0;
}

process.exitCode = main();
