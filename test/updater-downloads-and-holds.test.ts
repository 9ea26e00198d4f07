/**
 * Issue 14, the updater's share (version 4 on), in PHP outside WordPress (runUpdaterPhp, core's
 * functions stubbed with a fake network serving the bench feed):
 * - item 2: a package download says what started it, `?kind=auto_update` when WordPress's
 *   automatic background updater runs it and `?kind=manual` for a person, and `?installed=`
 *   with the version the site runs; a private plugin's signed URL keeps working;
 * - item 4: before it offers a release, the updater asks the update service which releases are
 *   held back (GET .../rollout/), skips them for the next candidate, holds nothing back on an
 *   answer it cannot read, refuses a download answered 409 rollout_halted with a clear message
 *   and holds that release until the next check; an up-to-date site still makes only the feed's
 *   two requests per check.
 * The same in a real WordPress (the kind the Worker records): test/wordpress/download-kind.test.ts.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  type ApiErrorBody,
  apiUrl,
  type RolloutHoldsDocument,
  signDownload,
  signedDownloadQuery,
  updaterConstants,
} from "../scripts/contract/index.ts";
import { BENCH_SLUG, benchOutputFiles, benchSigningKey } from "../scripts/dev/bench-worker.ts";
import { memoryPlan } from "./support/memory-tree.ts";
import { rolloutBucket } from "./support/offer-cases.ts";
import { runUpdaterPhp } from "./support/updater-php.ts";

const UPDATER_PATH = "includes/feedwright-updater.php";
const plugin = memoryPlan({
  slug: BENCH_SLUG,
  pluginYaml: `updater_path: ${UPDATER_PATH}\npublic_keys:\n  - "${benchSigningKey().publicKey}"\n`,
  releases: [{ version: "1.0.0", status: "released" }],
});
const PREFIX = "feedwright_bench_plugin";
const BASENAME = `${BENCH_SLUG}/${BENCH_SLUG}.php`;
const constants = updaterConstants(BENCH_SLUG);

/**
 * The bench feed of 100 releases: its stable candidates are 1.9.8 (rollout 25%, PHP 8.1) and
 * 1.9.7 (100%). Checked below, so a change of the bench shows here first.
 */
const FILES = benchOutputFiles(100);
const NEWEST = "1.9.8";
const BELOW = "1.9.7";
/** A site inside 1.9.8's rollout: it is offered 1.9.8 unless 1.9.8 is held back. */
const SITE_ID = (() => {
  for (let n = 0; n < 1000; n++) if (rolloutBucket(BENCH_SLUG, NEWEST, `wp-inside-${n}`) < 25) return `wp-inside-${n}`;
  throw new Error("no site id inside the rollout");
})();
/** The bench packages' bytes (scripts/dev/bench-worker.ts makes them so), by file name. */
const packageBytes = (version: string) => createHash("sha512").update(version).digest();
const packageFile = (version: string) => `${BENCH_SLUG}-v${version}.zip`;

/** What the fake network serves: every JSON and .sig of the bench feed, and two packages. */
const served = Object.fromEntries([
  ...FILES.filter((file) => "content" in file && /(\.json|\.sig)$/.test(file.path)).map((file) => [
    file.path,
    "content" in file ? Buffer.from(file.content).toString("base64") : "",
  ]),
  ...[NEWEST, BELOW].map((version) => [
    `plugins/${BENCH_SLUG}/${packageFile(version)}`,
    packageBytes(version).toString("base64"),
  ]),
]);

/**
 * Just enough of WordPress, and a network: `$GLOBALS['fw']['answers']` answers a path (a
 * status and body, or 'unreachable'), else the served files answer, else a JSON 404 as the
 * Worker's unknown route. Core's upgrader skins as wp-admin/includes declares them
 * (WP_Ajax_Upgrader_Skin extends Automatic_Upgrader_Skin; the others extend WP_Upgrader_Skin).
 */
const PRELUDE = `
class WP_Error {
	private $code;
	private $message;
	public function __construct( $code = '', $message = '' ) { $this->code = $code; $this->message = $message; }
	public function get_error_code() { return $this->code; }
	public function get_error_message() { return $this->message; }
}
class WP_Upgrader_Skin { public function feedback( $feedback, ...$args ) {} }
class Automatic_Upgrader_Skin extends WP_Upgrader_Skin {}
class WP_Ajax_Upgrader_Skin extends Automatic_Upgrader_Skin {}
class Plugin_Upgrader_Skin extends WP_Upgrader_Skin {}
class Bulk_Upgrader_Skin extends WP_Upgrader_Skin {}
class Bulk_Plugin_Upgrader_Skin extends Bulk_Upgrader_Skin {}
class Plugin_Upgrader { public $skin; public function __construct( $skin = null ) { $this->skin = $skin; } }
$GLOBALS['fw'] = array( 'options' => array(), 'requests' => array(), 'files' => array(), 'answers' => array(), 'version' => '1.0.0', 'transient' => false, 'transients_set' => 0 );
function is_wp_error( $thing ) { return $thing instanceof WP_Error; }
function apply_filters( $hook, $value ) { return $value; }
function add_filter() { return true; }
function add_action() { return true; }
function register_activation_hook() {}
function register_deactivation_hook() {}
function untrailingslashit( $text ) { return rtrim( $text, '/\\\\' ); }
function wp_parse_url( $url, $component = -1 ) { return parse_url( $url, $component ); }
function get_option( $name, $default = false ) { return array_key_exists( $name, $GLOBALS['fw']['options'] ) ? $GLOBALS['fw']['options'][ $name ] : $default; }
function update_option( $name, $value, $autoload = null ) { $GLOBALS['fw']['options'][ $name ] = $value; return true; }
function plugin_basename( $file ) { return basename( dirname( $file ) ) . '/' . basename( $file ); }
function get_file_data( $file, $headers, $context = '' ) { return array( 'Name' => 'Bench', 'Version' => $GLOBALS['fw']['version'], 'PluginURI' => '', 'UpdateURI' => '' ); }
function get_bloginfo( $what ) { return '6.7'; }
function esc_html( $text ) { return htmlspecialchars( (string) $text, ENT_QUOTES ); }
function download_url( $url ) { throw new Exception( 'the updater downloads packages itself' ); }
function wp_tempnam( $name = '' ) { return tempnam( sys_get_temp_dir(), 'fw' ); }
function wp_delete_file( $file ) { if ( is_file( $file ) ) { unlink( $file ); } }
function get_site_transient( $name ) { return $GLOBALS['fw']['transient']; }
function set_site_transient( $name, $value ) {
	// What WordPress runs on saving it: pre_set_site_transient_update_plugins, the updater's answer.
	$GLOBALS['fw']['transients_set']++;
	$GLOBALS['fw']['transient'] = call_user_func( array( $GLOBALS['class'] . '\\\\Updater', 'instance' ) )->filter_update_transient( $value );
	return true;
}
function fw_answer( $url ) {
	$path = (string) parse_url( $url, PHP_URL_PATH );
	if ( isset( $GLOBALS['fw']['answers'][ $path ] ) ) {
		return $GLOBALS['fw']['answers'][ $path ];
	}
	$file = ltrim( $path, '/' );
	if ( isset( $GLOBALS['fw']['files'][ $file ] ) ) {
		return array( 'code' => 200, 'body' => $GLOBALS['fw']['files'][ $file ] );
	}
	return array( 'code' => 404, 'body' => '{"error":{"code":"not_found","message":"no such route"}}' );
}
function fw_request( $url, $args ) {
	$GLOBALS['fw']['requests'][] = $url;
	$answer = fw_answer( $url );
	if ( 'unreachable' === $answer ) {
		return new WP_Error( 'http_request_failed', 'cURL error 7: Failed to connect' );
	}
	if ( ! empty( $args['stream'] ) ) {
		file_put_contents( $args['filename'], $answer['body'] );
		$answer['body'] = '';
	}
	return $answer;
}
function wp_remote_get( $url, $args = array() ) { return fw_request( $url, $args ); }
function wp_safe_remote_get( $url, $args = array() ) { return fw_request( $url, $args ); }
function wp_remote_retrieve_response_code( $response ) { return $response['code']; }
function wp_remote_retrieve_body( $response ) { return $response['body']; }
function wp_remote_retrieve_header( $response, $name ) { return ''; }
`;

/** PHP helpers after the updater is loaded: a fresh Updater per request, a check as wp_update_plugins() makes it. */
const HELPERS = `
foreach ( $input['files'] as $path => $content ) {
	$GLOBALS['fw']['files'][ $path ] = base64_decode( $content );
}
$GLOBALS['fw']['options'][ '${PREFIX}_site_id' ] = $input['siteId'];
function fw_updater() {
	$updater  = $GLOBALS['class'] . '\\\\Updater';
	$instance = new ReflectionProperty( $updater, 'instance' );
	$instance->setAccessible( true );
	$instance->setValue( null, null );
	return $updater::boot( '/sites/${BENCH_SLUG}/${BENCH_SLUG}.php' );
}
function fw_state() {
	return get_option( '${PREFIX}_state' );
}
/** One request of WordPress checking for updates: the transient stamped now, the updater's filter. */
function fw_check( $version, $answers = array() ) {
	$GLOBALS['fw']['version']  = $version;
	$GLOBALS['fw']['answers']  = $answers;
	$GLOBALS['fw']['requests'] = array();
	$transient = fw_updater()->filter_update_transient( (object) array( 'last_checked' => time(), 'response' => array(), 'no_update' => array() ) );
	$GLOBALS['fw']['transient'] = $transient;
	return fw_seen();
}
/** What the site shows and keeps now, and the requests made since the last look. */
function fw_seen() {
	$transient = $GLOBALS['fw']['transient'];
	$seen      = array(
		'offer'    => is_object( $transient ) && isset( $transient->response['${BASENAME}'] ) ? $transient->response['${BASENAME}']->new_version : null,
		'requests' => $GLOBALS['fw']['requests'],
		'held'     => fw_state()['held'],
		'error'    => fw_state()['last_error'],
	);
	$GLOBALS['fw']['requests'] = array();
	return $seen;
}
/** Runs the download of a package as WordPress's upgrader would, with a skin of that class. */
function fw_download( $package, $skin, $answers = array() ) {
	$GLOBALS['fw']['answers']  = $answers;
	$GLOBALS['fw']['requests'] = array();
	$upgrader = null === $skin ? null : new Plugin_Upgrader( new $skin() );
	$result   = fw_updater()->installer()->filter_pre_download( false, $package, $upgrader, array( 'plugin' => '${BASENAME}' ) );
	$outcome  = is_wp_error( $result )
		? array( 'error' => $result->get_error_code(), 'message' => $result->get_error_message() )
		: array( 'file' => is_string( $result ) && is_file( $result ) ? hash_file( 'sha256', $result ) : null );
	if ( is_string( $result ) ) {
		wp_delete_file( $result );
	}
	return array_merge( fw_seen(), $outcome );
}
`;

interface Seen {
  offer: string | null;
  requests: string[];
  held: string[];
  error: string;
}
/** A download's outcome (its error code and message, or the SHA-256 of the file it kept), and what the site shows after it. */
interface Downloaded extends Omit<Seen, "error"> {
  error?: string;
  message?: string;
  file?: string | null;
}

/** Runs `script` (its JSON answer is the test's) with the bench feed served and the helpers loaded. */
function runWorld<T>(script: string, input: Record<string, unknown> = {}): T {
  return runUpdaterPhp<T>(plugin, {
    prelude: PRELUDE,
    input: { files: served, siteId: SITE_ID, ...input },
    script: `${HELPERS}\n${script}`,
  });
}

const pathOf = (url: string) => new URL(url).pathname;
const feedUrl = (file: string) => `${plugin.siteUrl}/plugins/${BENCH_SLUG}/${file}`;
const HOLDS_URL = apiUrl(plugin.apiBase, BENCH_SLUG, "rollout");
const holdsAnswer = (held: string[], slug = BENCH_SLUG) => ({
  code: 200,
  body: JSON.stringify({ slug, held } satisfies RolloutHoldsDocument),
});
const HALTED: ApiErrorBody = {
  error: { code: "rollout_halted", message: `the rollout of ${NEWEST} is halted: sites not on it cannot download it` },
};

describe("the bench feed these tests read", () => {
  it("offers 1.9.8 to a site inside its 25% rollout, else 1.9.7", () => {
    const feed = FILES.find((file) => file.path === "feed.json");
    const document = JSON.parse(Buffer.from(feed && "content" in feed ? feed.content : "").toString("utf8"));
    const stable = document.plugins[BENCH_SLUG].offers.channels.stable as { version: string; rollout: number }[];
    expect(stable.map((candidate) => [candidate.version, candidate.rollout])).toEqual([
      [NEWEST, 25],
      [BELOW, 100],
    ]);
  });
});

describe("issue 14 item 2: a package download says what started it and which version the site runs", () => {
  it("tells WordPress's automatic background update (Automatic_Upgrader_Skin) from a person's: Update now (WP_Ajax_Upgrader_Skin), update.php, the bulk update", () => {
    const skins = [
      "Automatic_Upgrader_Skin",
      "WP_Ajax_Upgrader_Skin",
      "Plugin_Upgrader_Skin",
      "Bulk_Plugin_Upgrader_Skin",
      "WP_Upgrader_Skin",
      null,
    ];
    const kinds = runUpdaterPhp<Record<string, string>>(plugin, {
      prelude: PRELUDE,
      input: skins,
      script: `
$out = array();
foreach ( $input as $skin ) {
	$upgrader              = null === $skin ? null : new Plugin_Upgrader( new $skin() );
	$out[ (string) $skin ] = call_user_func( array( $class . '\\Installer', 'download_kind' ), $upgrader );
}
echo json_encode( $out );`,
    });
    expect(kinds).toEqual({
      Automatic_Upgrader_Skin: constants.downloadKindAutoUpdate,
      WP_Ajax_Upgrader_Skin: constants.downloadKindManual,
      Plugin_Upgrader_Skin: constants.downloadKindManual,
      Bulk_Plugin_Upgrader_Skin: constants.downloadKindManual,
      WP_Upgrader_Skin: constants.downloadKindManual,
      "": constants.downloadKindManual,
    });
  });

  it("adds kind and installed to a URL's query, keeping every pair it had byte for byte and replacing a kind it carried", () => {
    const facts = { kind: "manual", installed: "1.2.0-beta.1+build.7" };
    const cases: [string, string][] = [
      [
        "https://cdn.example.com/plugins/demo/demo-v1.3.0.zip",
        "https://cdn.example.com/plugins/demo/demo-v1.3.0.zip?kind=manual&installed=1.2.0-beta.1%2Bbuild.7",
      ],
      [
        "https://api.example.com/api/plugins/demo/download/?version=1.3.0",
        "https://api.example.com/api/plugins/demo/download/?version=1.3.0&kind=manual&installed=1.2.0-beta.1%2Bbuild.7",
      ],
      [
        "https://api.example.com/api/plugins/demo/download/?version=1.3.0&expires=1790000000&signature=AbC%2Bd&kind=auto_update",
        "https://api.example.com/api/plugins/demo/download/?version=1.3.0&expires=1790000000&signature=AbC%2Bd&kind=manual&installed=1.2.0-beta.1%2Bbuild.7",
      ],
      [
        "https://cdn.example.com/demo-v1.3.0.zip?installed=0.1.0&x=1#top",
        "https://cdn.example.com/demo-v1.3.0.zip?x=1&kind=manual&installed=1.2.0-beta.1%2Bbuild.7#top",
      ],
    ];
    const results = runUpdaterPhp<string[]>(plugin, {
      input: { urls: cases.map(([url]) => url), facts },
      script: `echo json_encode( array_map( function ( $url ) use ( $class, $input ) { return call_user_func( array( $class . '\\Installer', 'with_query' ), $url, $input['facts'] ); }, $input['urls'] ) );`,
    });
    expect(results).toEqual(cases.map(([, expected]) => expected));
    for (const result of results) {
      expect(new URL(result).searchParams.get(constants.downloadKindParam)).toBe("manual");
      expect(new URL(result).searchParams.get(constants.installedVersionParam)).toBe("1.2.0-beta.1+build.7");
    }
  });

  it("downloads the package with ?kind= (auto_update in the background, manual for a person) and ?installed=, and still verifies it", () => {
    const result = runWorld<Record<string, Downloaded>>(`
$check = fw_check( '1.0.0' );
$package = fw_updater()->package_url( fw_updater()->offer() );
echo json_encode( array(
	'check'     => $check,
	'automatic' => fw_download( $package, 'Automatic_Upgrader_Skin' ),
	'ajax'      => fw_download( $package, 'WP_Ajax_Upgrader_Skin' ),
	'update'    => fw_download( $package, 'Plugin_Upgrader_Skin' ),
	// A header that gives no version: the request says none.
	'trunk'     => ( function () use ( $package ) {
		$GLOBALS['fw']['version'] = 'trunk';
		return fw_download( $package, 'Bulk_Plugin_Upgrader_Skin' );
	} )(),
) );`);
    expect(result.check?.offer).toBe(NEWEST);
    const digest = createHash("sha256").update(packageBytes(NEWEST)).digest("hex");
    for (const [run, kind] of [
      ["automatic", "auto_update"],
      ["ajax", "manual"],
      ["update", "manual"],
    ] as const) {
      expect(result[run], run).toMatchObject({ file: digest });
      expect(result[run]?.requests).toEqual([`${feedUrl(packageFile(NEWEST))}?kind=${kind}&installed=1.0.0`]);
    }
    expect(result.trunk).toMatchObject({ file: digest });
    expect(result.trunk?.requests).toEqual([`${feedUrl(packageFile(NEWEST))}?kind=manual`]);
  });

  it("keeps a private plugin's signed URL as the Worker signed it, and adds kind and installed after it", async () => {
    const key = "0123456789abcdef0123456789abcdef";
    const expires = 1_900_000_000;
    const signature = await signDownload(key, BENCH_SLUG, NEWEST, expires);
    const signedUrl = apiUrl(plugin.apiBase, BENCH_SLUG, "download", signedDownloadQuery(NEWEST, expires, signature));
    const downloadUrlPath = pathOf(apiUrl(plugin.apiBase, BENCH_SLUG, "download-url"));
    const result = runWorld<{ check: Seen; download: Downloaded }>(
      `
$check = fw_check( '1.0.0' );
// As a private plugin's feed leaves the state, with this site's API key set.
$state            = fw_state();
$state['private'] = true;
update_option( '${PREFIX}_state', $state );
update_option( '${PREFIX}_api_key', 'fw_live_key' );
$package = fw_updater()->package_url( fw_updater()->offer() );
$answers = array(
	$input['downloadUrlPath'] => array( 'code' => 200, 'body' => json_encode( array( 'version' => '${NEWEST}', 'url' => $input['signedUrl'], 'expires' => ${expires} ) ) ),
	$input['signedPath']      => array( 'code' => 200, 'body' => base64_decode( $input['files']['plugins/${BENCH_SLUG}/${packageFile(NEWEST)}'] ) ),
);
echo json_encode( array( 'check' => $check, 'download' => fw_download( $package, 'Automatic_Upgrader_Skin', $answers ) ) );`,
      { signedUrl, downloadUrlPath, signedPath: pathOf(signedUrl) },
    );
    expect(result.check.offer).toBe(NEWEST);
    expect(result.download.file).toBe(createHash("sha256").update(packageBytes(NEWEST)).digest("hex"));
    const [asked, downloaded] = result.download.requests;
    // Asking for the URL says the installed version (the Worker serves a halted release to a site on it).
    expect(asked).toBe(
      `${apiUrl(plugin.apiBase, BENCH_SLUG, "download-url")}?version=${NEWEST}&${constants.installedVersionParam}=1.0.0`,
    );
    expect(downloaded).toBe(`${signedUrl}&kind=auto_update&installed=1.0.0`);
    // What the Worker checks (worker/src/auth.ts checkSignedDownload): the expiry and the
    // signature of the version asked for, both as signed.
    const url = new URL(downloaded ?? "");
    expect(url.searchParams.get("signature")).toBe(
      await signDownload(
        key,
        BENCH_SLUG,
        url.searchParams.get("version") ?? "",
        Number(url.searchParams.get("expires")),
      ),
    );
  });
});

describe("issue 14 item 4: the updater holds back the releases whose rollout is halted", () => {
  const feedRequests = ["/feed.json", "/feed.json.sig"];

  it("an up-to-date site's check is still the feed's two requests, and it holds nothing", () => {
    const result = runWorld<{ current: Seen; later: Seen }>(`
$GLOBALS['fw']['options']['${PREFIX}_state'] = array( 'held' => array( '${NEWEST}' ) );
echo json_encode( array(
	'current' => fw_check( '${NEWEST}', array( '${pathOf(HOLDS_URL)}' => array( 'code' => 500, 'body' => '' ) ) ),
	'later'   => fw_check( '2.0.0' ),
) );`);
    for (const seen of [result.current, result.later]) {
      expect(seen.requests.map(pathOf)).toEqual(feedRequests);
      expect(seen).toMatchObject({ offer: null, held: [], error: "" });
    }
  });

  it("asks GET .../rollout/ once per check when the feed offers a release, and skips a held one for the next candidate", () => {
    const result = runWorld<{ held: Seen; lifted: Seen }>(
      `
echo json_encode( array(
	'held'   => fw_check( '1.0.0', array( '${pathOf(HOLDS_URL)}' => $input['held'] ) ),
	'lifted' => fw_check( '1.0.0', array( '${pathOf(HOLDS_URL)}' => $input['lifted'] ) ),
) );`,
      { held: holdsAnswer([NEWEST, "1.0.0"]), lifted: holdsAnswer([]) },
    );
    expect(result.held.requests).toEqual([`${plugin.siteUrl}/feed.json`, `${plugin.siteUrl}/feed.json.sig`, HOLDS_URL]);
    // 1.0.0 is not a candidate the site could be offered: only the offer index's are kept.
    expect(result.held).toMatchObject({ offer: BELOW, held: [NEWEST], error: "" });
    expect(result.lifted).toMatchObject({ offer: NEWEST, held: [] });
    expect(result.lifted.requests.map(pathOf)).toEqual([...feedRequests, pathOf(HOLDS_URL)]);
  });

  it.each([
    ["unreachable", "unreachable"],
    ["a 404 (a Worker without the holds list)", { code: 404, body: '{"error":{"code":"not_found","message":"x"}}' }],
    ["a 500", { code: 500, body: "" }],
    ["not JSON", { code: 200, body: "<html>maintenance</html>" }],
    ["another plugin's list", holdsAnswer([NEWEST], "other-plugin")],
    ["held not a list", { code: 200, body: JSON.stringify({ slug: BENCH_SLUG, held: NEWEST }) }],
    [
      "a held entry that is not a version",
      { code: 200, body: JSON.stringify({ slug: BENCH_SLUG, held: [NEWEST, 7] }) },
    ],
  ])("holds nothing back when the answer is %s (the Worker refuses a halted download anyway)", (_label, answer) => {
    const result = runWorld<Seen>(
      `
$GLOBALS['fw']['options']['${PREFIX}_state'] = array( 'held' => array( '${NEWEST}' ) );
echo json_encode( fw_check( '1.0.0', array( '${pathOf(HOLDS_URL)}' => $input['answer'] ) ) );`,
      { answer },
    );
    expect(result).toMatchObject({ offer: NEWEST, held: [], error: "" });
    expect(result.requests.map(pathOf)).toEqual([...feedRequests, pathOf(HOLDS_URL)]);
  });

  it("a check that cannot read the feed asks nothing more and keeps the held list", () => {
    const result = runWorld<{ before: Seen; failed: Seen }>(
      `
echo json_encode( array(
	'before' => fw_check( '1.0.0', array( '${pathOf(HOLDS_URL)}' => $input['held'] ) ),
	'failed' => fw_check( '1.0.0', array( '/feed.json' => 'unreachable' ) ),
) );`,
      { held: holdsAnswer([NEWEST]) },
    );
    expect(result.before).toMatchObject({ offer: BELOW, held: [NEWEST] });
    expect(result.failed.requests.map(pathOf)).toEqual(["/feed.json"]);
    expect(result.failed).toMatchObject({ offer: BELOW, held: [NEWEST] });
    expect(result.failed.error).toContain("Could not read");
  });

  it("refuses a download answered 409 rollout_halted, says so, and holds the release until the next check", () => {
    const result = runWorld<{ check: Seen; refused: Downloaded; next: Seen }>(
      `
$check   = fw_check( '1.0.0' );
$package = fw_updater()->package_url( fw_updater()->offer() );
$refused = fw_download( $package, 'Automatic_Upgrader_Skin', array( $input['packagePath'] => array( 'code' => 409, 'body' => $input['halted'] ) ) );
echo json_encode( array( 'check' => $check, 'refused' => $refused, 'next' => fw_check( '1.0.0' ) ) );`,
      { packagePath: pathOf(feedUrl(packageFile(NEWEST))), halted: JSON.stringify(HALTED) },
    );
    expect(result.check).toMatchObject({ offer: NEWEST, held: [] });
    expect(result.refused).toMatchObject({
      error: `${PREFIX}_rollout_halted`,
      message: `Update refused: the vendor has paused the rollout of ${BENCH_SLUG} ${NEWEST}; nothing was installed. This site is offered it again when the rollout resumes.`,
      held: [NEWEST],
      // The update list saved again at once: the release before it is offered meanwhile.
      offer: BELOW,
    });
    expect(result.refused.requests).toEqual([`${feedUrl(packageFile(NEWEST))}?kind=auto_update&installed=1.0.0`]);
    // The next check asks again: the Worker's placeholder 404 holds nothing back.
    expect(result.next).toMatchObject({ offer: NEWEST, held: [] });
  });

  it("refuses a private plugin's update the same way when its download URL is answered 409 rollout_halted", () => {
    const result = runWorld<Downloaded>(
      `
fw_check( '1.0.0' );
$state            = fw_state();
$state['private'] = true;
update_option( '${PREFIX}_state', $state );
update_option( '${PREFIX}_api_key', 'fw_live_key' );
$package = fw_updater()->package_url( fw_updater()->offer() );
echo json_encode( fw_download( $package, 'WP_Ajax_Upgrader_Skin', array( $input['downloadUrlPath'] => array( 'code' => 409, 'body' => $input['halted'] ) ) ) );`,
      { downloadUrlPath: pathOf(apiUrl(plugin.apiBase, BENCH_SLUG, "download-url")), halted: JSON.stringify(HALTED) },
    );
    expect(result).toMatchObject({ error: `${PREFIX}_rollout_halted`, held: [NEWEST], offer: BELOW });
    expect(result.message).toContain(
      `the vendor has paused the rollout of ${BENCH_SLUG} ${NEWEST}; nothing was installed`,
    );
    expect(result.requests).toHaveLength(1);
  });

  it("treats any other refused download as before: an error naming the status, nothing held", () => {
    const other: ApiErrorBody = { error: { code: "no_release", message: "no" } };
    const result = runWorld<Downloaded>(
      `
fw_check( '1.0.0' );
$package = fw_updater()->package_url( fw_updater()->offer() );
echo json_encode( fw_download( $package, 'Plugin_Upgrader_Skin', array( $input['packagePath'] => array( 'code' => 409, 'body' => $input['other'] ) ) ) );`,
      { packagePath: pathOf(feedUrl(packageFile(NEWEST))), other: JSON.stringify(other) },
    );
    expect(result).toMatchObject({ error: `${PREFIX}_download`, held: [], offer: NEWEST });
    expect(result.message).toContain("HTTP 409");
  });
});
