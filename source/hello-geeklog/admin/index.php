<?php
// Hello Geeklog: the administration page, where the greeting is changed.

require_once '../../../lib-common.php';
require_once '../../auth.inc.php';

if (!SEC_hasRights('hello.admin')) {
    COM_accessLog("User {$_USER['username']} tried to change the greeting of Hello Geeklog.");
    echo COM_refresh($_CONF['site_admin_url'] . '/index.php');
    exit;
}

if (isset($_POST['greeting']) && SEC_checkToken()) {
    $greeting = addslashes(COM_applyFilter($_POST['greeting']));
    DB_query("UPDATE {$_TABLES['hello_greetings']} SET greeting = '{$greeting}' WHERE id = 1");
}

$display = COM_siteHeader('menu', $LANG_HELLO['admin']);
$display .= '<form method="post" action="index.php">'
    . '<label>' . $LANG_HELLO['greeting'] . ' <input type="text" name="greeting" value="'
    . htmlspecialchars(HELLO_greeting()) . '"></label>'
    . '<input type="hidden" name="' . CSRF_TOKEN . '" value="' . SEC_createToken() . '">'
    . '<input type="submit" value="' . $LANG_HELLO['save'] . '"></form>';
$display .= COM_siteFooter();

COM_output($display);
