#!/usr/bin/env node
// Launches npm's own node-gyp for the native addons (node-rdkafka, better-sqlite3) with two defaults:
// the headers of the Node.js that runs the install when they sit beside it (Debian's and the official
// tarballs' `<prefix>/include/node`), so no header download is needed on a machine without internet. An
// explicit `npm_config_nodedir` always wins. (Parallel make jobs are not set: node-rdkafka's build of
// librdkafka has an undeclared dependency on its configure step and fails under `make -j`.)
// npm puts the project's node_modules/.bin ahead of its own node-gyp on the PATH of install scripts, and
// `install-links=true` in .npmrc makes this package a regular (not symlinked) dependency, so its bin is
// linked before those scripts run.
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

/** The install prefix of this Node.js when it holds headers of exactly this version. */
function localNodeDir() {
  const prefix = path.dirname(path.dirname(process.execPath));
  const versionHeader = path.join(prefix, 'include', 'node', 'node_version.h');
  if (!existsSync(versionHeader)) return undefined;
  const text = readFileSync(versionHeader, 'utf8');
  const part = (name) => (text.match(new RegExp(`#define NODE_${name}_VERSION (\\d+)`)) || [])[1];
  const version = `${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`;
  return version === process.versions.node ? prefix : undefined;
}

/** npm's own node-gyp: npm passes its path to install scripts; otherwise the one bundled with npm. */
function npmNodeGyp() {
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && path.resolve(fromNpm) !== __filename && existsSync(fromNpm)) return fromNpm;
  const npmDir = path.join(path.dirname(path.dirname(process.execPath)), 'lib', 'node_modules', 'npm');
  return require.resolve('node-gyp/bin/node-gyp.js', { paths: [npmDir] });
}

const env = { ...process.env };
if (!env.npm_config_nodedir) {
  const nodeDir = localNodeDir();
  if (nodeDir) {
    env.npm_config_nodedir = nodeDir;
    process.stderr.write(
      `node-gyp: building against the Node.js ${process.versions.node} headers in ${nodeDir}/include/node\n`,
    );
  } else {
    process.stderr.write('node-gyp: no local Node.js headers of this version; node-gyp fetches them\n');
  }
}

const result = spawnSync(process.execPath, [npmNodeGyp(), ...process.argv.slice(2)], { stdio: 'inherit', env });
if (result.error) throw result.error;
process.exit(result.status === null ? 1 : result.status);
