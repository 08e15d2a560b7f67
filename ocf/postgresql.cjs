#!/usr/bin/env node
// ocf:pgha:postgresql, as Pacemaker runs it: /usr/lib/ocf/resource.d/pgha/postgresql links here.
'use strict';
require('../bin/run-bundle.cjs')('agent');
