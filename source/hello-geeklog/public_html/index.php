<?php
// Hello Geeklog: the public page.

require_once '../lib-common.php';

$display = COM_siteHeader('menu', $LANG_HELLO['title']);
$display .= '<p class="hello-greeting" lang="' . htmlspecialchars(HELLO_language()) . '">'
    . htmlspecialchars(HELLO_greeting()) . '</p>';
$display .= COM_siteFooter();

COM_output($display);
