<?php
// Hello Geeklog: texts.

$LANG_HELLO = array(
    'title'    => 'Hello',
    'admin'    => 'Hello Geeklog',
    'greeting' => 'Greeting',
    'save'     => 'Save',
);
