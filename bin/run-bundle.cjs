'use strict';
// Runs a dist/ bundle with a V8 code cache beside it (<bundle>.v8cache): every
// agent action is a fresh process, and compiling the bundle is a large share
// of its CPU time. Node >= 22 has module.enableCompileCache for this; Node 18
// and 20 do not, hence vm.Script's cachedData. The cache is rebuilt whenever V8
// rejects it (another Node version) and is only an optimisation: any failure
// to read or write it falls back to a plain compile.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const Module = require('node:module');

module.exports = function runBundle(name) {
  const filename = path.join(__dirname, '..', 'dist', `${name}.cjs`);
  const cacheFile = `${filename}.v8cache`;
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(fs.readFileSync(filename, 'utf8')), { filename, cachedData });
  const bundle = new Module(filename, module);
  bundle.filename = filename;
  bundle.paths = Module._nodeModulePaths(path.dirname(filename));
  const compiled = script.runInThisContext();
  if (cachedData === undefined || script.cachedDataRejected) {
    // After the first action has run, so the functions it compiled are in the cache too.
    process.once('beforeExit', () => saveCache(script, cacheFile));
    process.once('exit', () => saveCache(script, cacheFile));
  }
  compiled.call(bundle.exports, bundle.exports, Module.createRequire(filename), bundle, filename, path.dirname(filename));
};

let saved = false;
function saveCache(script, cacheFile) {
  if (saved) return;
  saved = true;
  try {
    const tmp = `${cacheFile}.${process.pid}`;
    fs.writeFileSync(tmp, script.createCachedData());
    fs.renameSync(tmp, cacheFile);
  } catch {
    // Read-only install or no permission (meta-data runs as nobody): compile each time.
  }
}
