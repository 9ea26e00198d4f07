/**
 * A Geeklog plugin's own update.php (update_class: own), checked before it is packaged: PHP
 * parses it (`php -l`), and PHP's own tokenizer finds the class Geeklog's client needs in it:
 * `class UpdatePlugin implements PluginUpdateInterface` with public static `$_SQL_DATA`,
 * `$_SQL_PTABLES`, `$PLUGIN_NAME` (the plugin's name, as a string) and `init()`. The file is
 * read, never run: the tokenizer does not execute it.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Prints, as JSON, what the tokens of the file in $argv[1] declare (no code of the file is run). */
const SCANNER = String.raw`
$tokens = token_get_all(file_get_contents($argv[1]));
$code = array();
foreach ($tokens as $token) {
    if (is_array($token) && in_array($token[0], array(T_WHITESPACE, T_COMMENT, T_DOC_COMMENT), true)) continue;
    $code[] = $token;
}
$text = function ($token) { return is_array($token) ? $token[1] : $token; };
$found = array('class' => false, 'implements' => false, 'init' => false, 'properties' => array(), 'plugin_name' => null);
$depth = 0; $classDepth = null;
for ($i = 0; $i < count($code); $i++) {
    $t = $text($code[$i]);
    if ($t === '{' || (is_array($code[$i]) && in_array($code[$i][0], array(T_CURLY_OPEN, T_DOLLAR_OPEN_CURLY_BRACES), true))) { $depth++; continue; }
    if ($t === '}') { $depth--; if ($classDepth !== null && $depth < $classDepth) $classDepth = null; continue; }
    if (is_array($code[$i]) && $code[$i][0] === T_CLASS && isset($code[$i + 1]) && strcasecmp($text($code[$i + 1]), 'UpdatePlugin') === 0) {
        $found['class'] = true;
        for ($j = $i + 2; $j < count($code) && $text($code[$j]) !== '{'; $j++) {
            if (strcasecmp(ltrim($text($code[$j]), '\\'), 'PluginUpdateInterface') === 0) $found['implements'] = true;
        }
        $classDepth = $depth + 1;
        continue;
    }
    if ($classDepth === null || $depth !== $classDepth) continue;
    $modifiers = array();
    for ($j = $i - 1; $j >= 0 && is_array($code[$j]) && in_array($code[$j][0], array(T_PUBLIC, T_STATIC, T_PROTECTED, T_PRIVATE, T_VAR), true); $j--) $modifiers[] = strtolower($code[$j][1]);
    $public = !in_array('protected', $modifiers, true) && !in_array('private', $modifiers, true);
    if (is_array($code[$i]) && $code[$i][0] === T_VARIABLE && in_array('static', $modifiers, true) && $public) {
        $found['properties'][] = $code[$i][1];
        if ($code[$i][1] === '$PLUGIN_NAME' && $text($code[$i + 1]) === '=' && is_array($code[$i + 2]) && $code[$i + 2][0] === T_CONSTANT_ENCAPSED_STRING && $text($code[$i + 3]) === ';') {
            $literal = $code[$i + 2][1];
            $inner = substr($literal, 1, -1);
            $found['plugin_name'] = $literal[0] === "'" ? strtr($inner, array('\\\\' => '\\', "\\'" => "'")) : (strpos($inner, '\\') === false ? $inner : null);
        }
    }
    if (is_array($code[$i]) && $code[$i][0] === T_FUNCTION && in_array('static', $modifiers, true) && $public && isset($code[$i + 1]) && strcasecmp($text($code[$i + 1]), 'init') === 0) $found['init'] = true;
}
echo json_encode($found);
`;

interface Scan {
  class: boolean;
  implements: boolean;
  init: boolean;
  properties: string[];
  plugin_name: string | null;
}

/** Problems of an own update.php, as sentences; empty when the client can load it as it expects. */
export async function checkOwnUpdateClass(bytes: Buffer, pluginName: string): Promise<string[]> {
  const folder = await mkdtemp(path.join(tmpdir(), "feedwright-update-class-"));
  const file = path.join(folder, "update.php");
  try {
    await writeFile(file, bytes);
    try {
      await run("php", ["-n", "-l", file], { timeout: 60_000 });
    } catch (error) {
      const failure = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
      if (failure.code === "ENOENT")
        return [
          "php (php-cli) is needed to check an own update.php (php -l): install it, or use update_class: rendered",
        ];
      const said = `${failure.stdout ?? ""}${failure.stderr ?? ""}`.replaceAll(file, "update.php").trim();
      return [`PHP cannot parse update.php: ${said.split("\n")[0] ?? "php -l failed"}`];
    }
    const { stdout } = await run("php", ["-r", SCANNER, "--", file], { timeout: 60_000 });
    const scan = JSON.parse(stdout) as Scan;
    const problems: string[] = [];
    if (!scan.class) return ["update.php declares no class UpdatePlugin (Geeklog's client loads that class)"];
    if (!scan.implements) problems.push("class UpdatePlugin does not implement PluginUpdateInterface");
    for (const property of ["$_SQL_DATA", "$_SQL_PTABLES", "$PLUGIN_NAME"]) {
      if (!scan.properties.includes(property)) problems.push(`class UpdatePlugin has no public static ${property}`);
    }
    if (!scan.init) problems.push("class UpdatePlugin has no public static function init()");
    if (scan.properties.includes("$PLUGIN_NAME") && scan.plugin_name !== pluginName)
      problems.push(
        `UpdatePlugin::$PLUGIN_NAME must be the string ${JSON.stringify(pluginName)} (geeklog.name in plugin.yaml), found ${scan.plugin_name === null ? "another expression" : JSON.stringify(scan.plugin_name)}`,
      );
    return problems;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
