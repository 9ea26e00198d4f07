<?php
// Cuts functions out of the Geeklog client's files with PHP's own tokenizer, so the test runs
// them exactly as written: php extract.php <out.php> <file> <function>... [-- <file> <function>...]
// Fails when a function is not found exactly once.

$out = $argv[1];
$code = "<?php\n// Cut out of Geeklog's own files by test/geeklog/php/extract.php; not edited.\n";
$groups = array();
$current = null;
foreach (array_slice($argv, 2) as $arg) {
    if ($arg === '--') {
        $current = null;
        continue;
    }
    if ($current === null) {
        $current = $arg;
        $groups[$current] = array();
        continue;
    }
    $groups[$current][] = $arg;
}
foreach ($groups as $file => $names) {
    $tokens = token_get_all(file_get_contents($file));
    $count = count($tokens);
    $found = array();
    for ($i = 0; $i < $count; $i++) {
        if (!is_array($tokens[$i]) || $tokens[$i][0] !== T_FUNCTION) {
            continue;
        }
        $j = $i + 1;
        while ($j < $count && is_array($tokens[$j]) && $tokens[$j][0] === T_WHITESPACE) {
            $j++;
        }
        if (!is_array($tokens[$j]) || $tokens[$j][0] !== T_STRING || !in_array($tokens[$j][1], $names, true)) {
            continue;
        }
        $name = $tokens[$j][1];
        $text = '';
        $depth = 0;
        for ($k = $i; $k < $count; $k++) {
            $token = $tokens[$k];
            $text .= is_array($token) ? $token[1] : $token;
            $opens = $token === '{' || (is_array($token) && in_array($token[0], array(T_CURLY_OPEN, T_DOLLAR_OPEN_CURLY_BRACES), true));
            if ($opens) {
                $depth++;
            } elseif ($token === '}') {
                $depth--;
                if ($depth === 0) {
                    break;
                }
            }
        }
        $found[] = $name;
        $code .= "\n// " . basename($file) . ": $name()\n" . $text . "\n";
    }
    foreach ($names as $name) {
        $times = count(array_keys($found, $name, true));
        if ($times !== 1) {
            fwrite(STDERR, "$name() found $times times in $file\n");
            exit(1);
        }
    }
}
file_put_contents($out, $code);
