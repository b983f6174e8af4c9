// Trunk's post_build hook (Trunk.toml): writes each example of the repository's examples/ folder
// as one file, examples/<slug>.json, next to the app. The app has only the default example built
// in and fetches the others from these files when a learner opens one (src/examples.rs). Each
// example's own files are copied too, under examples/<slug>/, for addresses that load files by URL.
//
// The rule is the one crates/sim/src/examples.rs follows, and src/examples.rs tests that they agree:
// definition.asl.json, input.json, README.md (the explanation), and every NAME.scenario.json in
// name order. Texts are kept byte for byte.
//
// Trunk runs it from the project folder with TRUNK_STAGING_DIR set.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error('bundle-examples: TRUNK_STAGING_DIR is not set; this script is run by Trunk (Trunk.toml hooks)');
  process.exit(1);
}

const source = 'examples';
const target = join(staging, 'examples');
mkdirSync(target, { recursive: true });
const slugs = readdirSync(source, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
for (const slug of slugs) {
  const read = (name) => readFileSync(join(source, slug, name), 'utf8');
  const scenarios = readdirSync(join(source, slug))
    .filter((f) => f.endsWith('.scenario.json'))
    .sort()
    .map((f) => [f.slice(0, -'.scenario.json'.length), read(f)]);
  const bundle = {
    definition: read('definition.asl.json'),
    input: read('input.json'),
    explanation: read('README.md'),
    scenarios,
  };
  writeFileSync(join(target, `${slug}.json`), JSON.stringify(bundle));
  // The files themselves too, for addresses such as
  // ?definition=examples/human-approval/definition.asl.json&scenario=examples/human-approval/approve.scenario.json
  // (the embed demo page uses them; so can a docs page).
  mkdirSync(join(target, slug), { recursive: true });
  for (const name of ['definition.asl.json', 'input.json', ...scenarios.map(([n]) => `${n}.scenario.json`)]) {
    writeFileSync(join(target, slug, name), read(name));
  }
}
console.log(`bundle-examples: ${slugs.length} examples in ${target}`);
