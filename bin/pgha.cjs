#!/usr/bin/env node
// The pgha operator CLI.
'use strict';
require('./run-bundle.cjs')('pgha');
