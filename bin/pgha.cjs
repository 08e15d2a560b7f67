#!/usr/bin/env node
// The pgha operator CLI.
'use strict';
require(require('node:path').join(__dirname, '..', 'dist', 'pgha.cjs'));
