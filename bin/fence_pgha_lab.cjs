#!/usr/bin/env node
// fence_pgha_lab: the lab cluster's fence agent (fence-agents API).
'use strict';
require('./run-bundle.cjs')('fence_pgha_lab');
