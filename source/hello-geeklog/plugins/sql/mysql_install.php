<?php
// Hello Geeklog: its table, created when the plugin is installed.

$_SQL[] = "
CREATE TABLE {$_TABLES['hello_greetings']} (
  id INT NOT NULL PRIMARY KEY,
  greeting VARCHAR(255) NOT NULL DEFAULT '',
  language VARCHAR(8) NOT NULL DEFAULT 'en'
) ENGINE=MyISAM
";

$DEFVALUES[] = "INSERT INTO {$_TABLES['hello_greetings']} (id, greeting) VALUES (1, 'Hello, world!')";
