// Trunk's post_build hook (Trunk.toml): builds one of the app's on-demand parts as a wasm module of
// its own, next to the app, which the app imports the first time a person needs it, so the first
// load of everyone else stays without it:
//   node xtask/trunk/wasm-module.mjs PACKAGE LIB DIR NAME
// builds the cargo package PACKAGE (library LIB) into DIR/NAME.js + DIR/NAME_bg.wasm. The modules:
// the JSONata engine (crates/jsonata-web → jsonata/engine.js, src/jsonata.rs) and the extras: Deploy's
// texts, States.Hash's digests (crates/extras-web → extras/module.js, src/extras.rs).
//
// The same tools as the app's own build: cargo for wasm32, wasm-bindgen (the Cargo.lock version),
// wasm-opt from npm binaryen, terser. Trunk runs it from the project folder with TRUNK_PROFILE and
// TRUNK_STAGING_DIR set; cargo xtask puts the tools on PATH.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minify } from 'terser';

const [pkg, lib, dir, name] = process.argv.slice(2);
const staging = process.env.TRUNK_STAGING_DIR;
if (!staging || !name) {
  console.error('wasm-module: usage: node xtask/trunk/wasm-module.mjs PACKAGE LIB DIR NAME, run by Trunk (Trunk.toml hooks) with TRUNK_STAGING_DIR set');
  process.exit(1);
}
const release = process.env.TRUNK_PROFILE === 'release';
const run = (command, args) => execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });

const cargoArgs = ['build', '--target', 'wasm32-unknown-unknown', '-p', pkg, '--lib', '--locked', '--offline'];
if (release) cargoArgs.push('--release');
run('cargo', cargoArgs);

const built = join('target', 'wasm32-unknown-unknown', release ? 'release' : 'debug', `${lib}.wasm`);
const out = join(staging, dir);
mkdirSync(out, { recursive: true });
run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', out, '--out-name', name, built]);

const wasm = join(out, `${name}_bg.wasm`);
const js = join(out, `${name}.js`);
if (release) {
  run('wasm-opt', [wasm, '-o', wasm, '-Oz', '--strip-producers', '--strip-target-features', '--low-memory-unused']);
  const { code } = await minify(readFileSync(js, 'utf8'), { module: true, ecma: 2020, format: { comments: false } });
  writeFileSync(js, code);
}
console.log(`wasm-module: ${out}: ${name}_bg.wasm ${statSync(wasm).size} bytes, ${name}.js ${statSync(js).size} bytes`);
