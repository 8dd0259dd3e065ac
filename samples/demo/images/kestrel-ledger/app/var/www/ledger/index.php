<?php
// Kestrel ledger back office (legacy, PHP 8.2)
require __DIR__ . "/../app/bootstrap.php";
