// Trunk's post_build hook (Trunk.toml): builds the JSONata engine as a wasm module of its own
// (crates/jsonata-web) into jsonata/engine.js + jsonata/engine_bg.wasm next to the app. The app
// imports it the first time a definition needs JSONata (src/jsonata.rs), so the first load of
// everyone else stays without it.
//
// The same tools as the app's own build: cargo for wasm32, wasm-bindgen (the Cargo.lock version),
// wasm-opt from npm binaryen, terser. Trunk runs it from the project folder with TRUNK_PROFILE and
// TRUNK_STAGING_DIR set; cargo xtask puts the tools on PATH.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { minify } from 'terser';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('jsonata-module: TRUNK_STAGING_DIR is not set; this script is run by Trunk (Trunk.toml hooks)');
  process.exit(1);
}
const release = process.env.TRUNK_PROFILE === 'release';
const run = (command, args) => execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });

const cargoArgs = ['build', '--target', 'wasm32-unknown-unknown', '-p', 'baton-jsonata-web', '--lib', '--locked', '--offline'];
if (release) cargoArgs.push('--release');
run('cargo', cargoArgs);

const built = join('target', 'wasm32-unknown-unknown', release ? 'release' : 'debug', 'jsonata_web.wasm');
const out = join(staging, 'jsonata');
mkdirSync(out, { recursive: true });
run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', out, '--out-name', 'engine', built]);

const wasm = join(out, 'engine_bg.wasm');
const js = join(out, 'engine.js');
if (release) {
  run('wasm-opt', [wasm, '-o', wasm, '-Oz', '--strip-producers', '--strip-target-features', '--low-memory-unused']);
  const { code } = await minify(readFileSync(js, 'utf8'), { module: true, ecma: 2020, format: { comments: false } });
  writeFileSync(js, code);
}
console.log(`jsonata-module: ${out}: engine_bg.wasm ${statSync(wasm).size} bytes, engine.js ${statSync(js).size} bytes`);
