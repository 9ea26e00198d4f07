<?php
// The least of Geeklog around its repository client's own code, for test/geeklog/client.ts.
// One run is one request of the site administrator's browser:
//
//   php bootstrap.php <site.json> <step> [<post.json>]
//
// step: tables (create the client's tables), list (updaterepositorylist()), check
// (show_available_updates()), install (start_update_process() with the POSTed form).
// The client's code is not retyped: client-functions.php holds its functions as cut out of
// plugins.php and lib-plugins.php (extract.php), pluginupdater.class.php is the file as it is,
// and the messages are Geeklog's english.php. What is here stands in for the rest of Geeklog:
// its settings, its database layer (on mysqli, as mysql_* is gone from PHP 8), its error
// handler's branch for updates, page chrome that returns nothing, and a Template that keeps
// what it is given. Prints the output, then a line with a JSON summary.

$FEEDWRIGHT_SITE = json_decode(file_get_contents($argv[1]), true);
$FEEDWRIGHT_STEP = $argv[2];
$FEEDWRIGHT_QUERIES = array();
$FEEDWRIGHT_LOG = array();
$FEEDWRIGHT_RESULT = null;
$FEEDWRIGHT_FINISHED = false;
ob_start();

register_shutdown_function(function () {
    global $FEEDWRIGHT_QUERIES, $FEEDWRIGHT_LOG, $FEEDWRIGHT_RESULT, $FEEDWRIGHT_FINISHED;
    $output = ob_get_clean();
    echo $output, "\n@@FEEDWRIGHT-GEEKLOG@@", json_encode(array(
        'output' => $output,
        'queries' => $FEEDWRIGHT_QUERIES,
        'log' => $FEEDWRIGHT_LOG,
        'result' => $FEEDWRIGHT_RESULT,
        // false when the request ended early (the client's error handler exits).
        'finished' => $FEEDWRIGHT_FINISHED,
    ));
});

// Settings (Geeklog's siteconfig.php and config): the site's folders, and a Geeklog service
// the client asks about repositories, which answers nothing here (it is not run).
$_CONF = array(
    'path' => $FEEDWRIGHT_SITE['root'] . '/',
    'path_html' => $FEEDWRIGHT_SITE['root'] . '/public_html/',
    'path_data' => $FEEDWRIGHT_SITE['root'] . '/data/',
    'path_system' => $FEEDWRIGHT_SITE['root'] . '/system/',
    'path_layout' => $FEEDWRIGHT_SITE['root'] . '/layout/',
    'site_url' => 'http://geeklog.test',
    'site_admin_url' => 'http://geeklog.test/admin',
    'layout_url' => 'http://geeklog.test/layout',
    'backup_path' => $FEEDWRIGHT_SITE['root'] . '/backups/',
    'geeklog_auth_service' => $FEEDWRIGHT_SITE['authService'],
);
$_DB_table_prefix = 'gl_';
$_DB_dbms = 'mysql';
$_TABLES = array(
    'plugins' => 'gl_plugins',
    'plugin_repository' => 'gl_plugin_repository',
    'plugin_repository_list' => 'gl_plugin_repository_list',
);
$_IMAGE_TYPE = 'png';
define('XHTML', '');
define('CSRF_TOKEN', '_glsectoken');
define('LB', "\n");
// PHP 5 read an undefined constant as its name, and download_file() tests
// function_exists(curl_init) so; PHP 8 stops at it. The constant restores PHP 5's reading.
define('curl_init', 'curl_init');

require $FEEDWRIGHT_SITE['client'] . '/language/english.php';

// Geeklog's database layer: DB_query() stops the request on an SQL error unless told to
// ignore it (system/databases/mysql.class.php raises E_USER_ERROR); every statement is kept
// for the test.
mysqli_report(MYSQLI_REPORT_OFF);
$FEEDWRIGHT_DB = mysqli_connect('localhost', 'root', '', $FEEDWRIGHT_SITE['database'], 0, $FEEDWRIGHT_SITE['socket']);
if (!$FEEDWRIGHT_DB) {
    echo 'cannot connect to MariaDB: ', mysqli_connect_error();
    exit(1);
}

function DB_query($sql, $ignore_errors = 0)
{
    global $FEEDWRIGHT_DB, $FEEDWRIGHT_QUERIES;
    $result = mysqli_query($FEEDWRIGHT_DB, $sql);
    $error = $result === false ? mysqli_error($FEEDWRIGHT_DB) : '';
    $FEEDWRIGHT_QUERIES[] = array('sql' => $sql, 'error' => $error);
    if ($result === false && $ignore_errors != 1) {
        trigger_error($error . ' SQL in question: ' . $sql, E_USER_ERROR);
    }
    return $result;
}

function DB_fetchArray($recordset, $both = false)
{
    if (!($recordset instanceof mysqli_result)) {
        return false;
    }
    $row = mysqli_fetch_array($recordset, $both ? MYSQLI_BOTH : MYSQLI_ASSOC);
    return $row === null ? false : $row;
}

function DB_getItem($table, $what, $selection = '')
{
    $row = DB_fetchArray(DB_query("SELECT $what FROM $table" . ($selection === '' ? '' : " WHERE $selection")));
    return $row === false ? '' : $row[$what];
}

// Geeklog's error log (lib-common.php COM_errorLog), kept for the test.
function COM_errorLog($entry, $actionid = 1)
{
    global $FEEDWRIGHT_LOG;
    $FEEDWRIGHT_LOG[] = $entry;
    return '';
}

// Geeklog's COM_applyFilter() for text (COM_applyBasicFilter): tags stripped, and the text
// cut at the first quote, backquote, semicolon, comma, backslash or comment.
function COM_applyFilter($parameter, $isnumeric = false)
{
    $p = preg_replace('/\/\*.*/', '', strip_tags((string) $parameter));
    if ($isnumeric) {
        return preg_match('/^-?\d+$/', $p) ? $p : 0;
    }
    $cut = strcspn($p, "'\"`;,\\");
    return substr($p, 0, $cut);
}

// Page chrome: nothing of it matters to the updates.
function COM_siteHeader($what = 'menu', $pagetitle = '') { return ''; }
function COM_siteFooter($rightblock = -1) { return ''; }
function COM_startBlock($title = '', $helpfile = '', $template = '') { return ''; }
function COM_endBlock($template = '') { return ''; }
function COM_getBlockTemplate($block, $which) { return ''; }
function COM_showMessageText($message, $title = '') { return '<div class="message">' . $message . '</div>'; }
function ADMIN_createMenu($menu_arr, $text = '', $icon = '') { return ''; }

// Geeklog's template class, reduced to what show_available_updates() hands it: parse() puts
// every value it was given, in order, into the output.
class Template
{
    public $vars = array();
    public function __construct($root = '') {}
    public function set_file($handle, $file = '') {}
    public function set_var($name, $value = '') { $this->vars[$name] = $value; }
    public function get_var($name) { return isset($this->vars[$name]) ? $this->vars[$name] : ''; }
    public function parse($target, $handle, $append = false)
    {
        $text = '';
        foreach ($this->vars as $name => $value) {
            $text .= "<!-- $name -->" . $value . "\n";
        }
        $this->vars[$target] = $text;
        return $text;
    }
    public function finish($text) { return $text; }
}

// Every $_TABLES key as Geeklog names its table: the prefix and the key.
class FeedwrightPrefixedTables implements ArrayAccess
{
    public function offsetExists($key): bool { return true; }
    public function offsetGet($key): mixed { return 'gl_' . $key; }
    public function offsetSet($key, $value): void {}
    public function offsetUnset($key): void {}
}

// lib-common.php's error handler, its first branches: what the @ operator silences is left
// alone (PHP 8's form of Geeklog's error_reporting() == 0 test), and while updates are being
// installed every other error goes to the client's plugin_update_error_handler(), which
// prints it and ends the request. Geeklog registers it for these levels only.
function COM_handleError($errno, $errstr, $errfile = '', $errline = 0, $errcontext = '')
{
    if ((error_reporting() & $errno) === 0) {
        return true;
    }
    if (isset($_POST['install_updates'])) {
        plugin_update_error_handler($errno, $errstr, $errfile, $errline, $errcontext);
        exit;
    }
    return false;
}
error_reporting(E_ERROR | E_WARNING | E_PARSE | E_COMPILE_ERROR | E_USER_ERROR);
set_error_handler('COM_handleError', error_reporting());

// The client's own code.
require $FEEDWRIGHT_SITE['root'] . '/client-functions.php';

// lib-common.php loads every enabled plugin's functions.inc (they add their tables to $_TABLES).
$FEEDWRIGHT_PLUGINS = DB_query("SELECT pi_name FROM {$_TABLES['plugins']} WHERE pi_enabled = 1", 1);
while ($FEEDWRIGHT_PLUGINS && ($row = DB_fetchArray($FEEDWRIGHT_PLUGINS)) !== false) {
    $functions = $_CONF['path'] . 'plugins/' . $row['pi_name'] . '/functions.inc';
    if (file_exists($functions)) {
        require_once $functions;
    }
}

switch ($FEEDWRIGHT_STEP) {
    case 'tables':
        // The client's tables, as Geeklog's installer creates them (its mysql_tableanddata.php).
        $_SQL = array();
        $_DATA = array();
        $tables = new FeedwrightPrefixedTables();
        $saved = $_TABLES;
        $_TABLES = $tables;
        require $FEEDWRIGHT_SITE['client'] . '/sql/mysql_tableanddata.php';
        $_TABLES = $saved;
        foreach ($_SQL as $statement) {
            if (preg_match('/CREATE TABLE `?gl_(plugins|plugin_repository|plugin_repository_list)`? /', $statement)) {
                DB_query($statement);
            }
        }
        break;
    case 'list':
        $FEEDWRIGHT_RESULT = updaterepositorylist();
        break;
    case 'check':
        echo show_available_updates();
        break;
    case 'install':
        $_POST = json_decode(file_get_contents($argv[3]), true);
        echo start_update_process();
        break;
    default:
        echo "unknown step $FEEDWRIGHT_STEP";
        exit(1);
}
$FEEDWRIGHT_FINISHED = true;
