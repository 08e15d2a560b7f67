#!/usr/bin/env node
// fence_pgha_lab: the lab cluster's fence agent (fence-agents API).
'use strict';
require(require('node:path').join(__dirname, '..', 'dist', 'fence_pgha_lab.cjs'));
