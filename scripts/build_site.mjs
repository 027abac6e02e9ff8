// Builds the static site: the assembled page (build/wasm/site) as a folder any
// static host can serve (scripts/build-site.sh is the command; README "Deploy").
//
//   node scripts/build_site.mjs [--out DIR] [--base-url URL] [--site DIR]
//
// - Every file but index.html gets a content-hashed name (name.<hash>.ext), and
//   every quoted reference to it in the HTML, ES modules, worker scripts and
//   JSON is rewritten, so that a host may cache them for ever. A name's hash
//   covers the file and everything it refers to, directly or not: a file whose
//   bytes change (its own, or a reference inside it) gets a new name, and one
//   whose bytes stay the same keeps its name.
// - References stay relative, so the site works under any sub-path.
// - index.html gets the site's service worker (web/site/: cross-origin
//   isolation without server headers, and the site saved for offline use),
//   its version, and with --base-url the URL that share links carry.
// - asset-manifest.json lists the version and each file's hashed name.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const sourceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HASH_LENGTH = 10;                      // hex digits of SHA-256 in a file name
const TEXT = new Set(['.html', '.mjs', '.js', '.json']);  // files whose references are rewritten
const QUOTES = ["'", '"', '`'];
const MANIFEST = 'asset-manifest.json';

class BuildError extends Error {}

function usage() {
  return 'usage: scripts/build-site.sh [--out DIR] [--base-url URL] [--site DIR]\n' +
    '  --out DIR       where the site goes (default: dist/); a previous site there is replaced\n' +
    '  --base-url URL  the URL share links carry, that of the folder the site is served from\n' +
    '                  (default: the page\'s own location)\n' +
    '  --site DIR      the assembled page to build from (default: build/wasm/site)\n';
}

export function parseArguments(argv) {
  const options = { out: path.join(sourceDir, 'dist'), baseUrl: null, site: path.join(sourceDir, 'build', 'wasm', 'site') };
  const names = { '--out': 'out', '--base-url': 'baseUrl', '--site': 'site' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { help: true };
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (!(flag in names)) throw new BuildError(`unknown argument "${arg}"`);
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') throw new BuildError(`${flag} needs a value`);
    options[names[flag]] = value;
  }
  options.out = path.resolve(options.out);
  options.site = path.resolve(options.site);
  if (options.baseUrl !== null) options.baseUrl = checkBaseUrl(options.baseUrl);
  return options;
}

// An absolute http(s) URL of the site's folder (or of its index.html), without
// a query or fragment; a folder's URL gets its final "/".
export function checkBaseUrl(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new BuildError(`--base-url must be an absolute URL such as https://example.org/vitopo/, not "${text}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new BuildError(`--base-url must be an http or https URL, not "${text}"`);
  if (url.search || url.hash) throw new BuildError(`--base-url must have no query or fragment: "${text}"`);
  const last = url.pathname.split('/').pop();
  if (last !== '' && last !== 'index.html') url.pathname += '/';
  return url.href;
}

function sha256(bytes) {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

// Every file under `dir`, as posix paths relative to it; dot files are left out.
function listFiles(dir, prefix = '') {
  const files = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) files.push(...listFiles(dir, rel));
    else if (entry.isFile()) files.push(rel);
  }
  return files.sort();
}

export function hashedName(file, hash) {
  const dir = path.posix.dirname(file);
  const base = path.posix.basename(file);
  const dot = base.lastIndexOf('.');
  const name = dot > 0 ? `${base.slice(0, dot)}.${hash}${base.slice(dot)}` : `${base}.${hash}`;
  return dir === '.' ? name : `${dir}/${name}`;
}

// The quoted forms in which `from` can name `to`: 'x', "x", `x`, and each with "./".
function referenceForms(from, to) {
  const rel = path.posix.relative(path.posix.dirname(from), to);
  const forms = [];
  for (const spec of rel.startsWith('../') ? [rel] : [rel, `./${rel}`]) {
    for (const q of QUOTES) forms.push({ text: q + spec + q, quote: q, dotSlash: spec.startsWith('./') });
  }
  return forms;
}

// The site's files in memory: {path: Buffer}, and which file refers to which.
function references(files) {
  const edges = new Map();
  for (const [from, bytes] of files) {
    const targets = new Set();
    if (TEXT.has(path.posix.extname(from))) {
      const text = bytes.toString('utf8');
      for (const to of files.keys()) {
        if (to === 'index.html') continue;
        if (referenceForms(from, to).some((form) => text.includes(form.text))) targets.add(to);
      }
    }
    edges.set(from, targets);
  }
  return edges;
}

function closure(start, edges) {
  const seen = new Set([start]);
  const stack = [start];
  while (stack.length) {
    for (const next of edges.get(stack.pop())) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return [...seen].sort();
}

function rewrite(from, bytes, edges, names) {
  let text = bytes.toString('utf8');
  // Longest first, so that no name is rewritten inside a longer one.
  const targets = [...edges.get(from)].sort((a, b) => b.length - a.length);
  for (const to of targets) {
    for (const form of referenceForms(from, to)) {
      const hashed = path.posix.relative(path.posix.dirname(names.get(from) ?? from), names.get(to));
      const spec = form.dotSlash ? `./${hashed}` : hashed;
      text = text.split(form.text).join(form.quote + spec + form.quote);
    }
  }
  return Buffer.from(text, 'utf8');
}

function escapeAttribute(text) {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

// Adds the site's parts to index.html, before </head>.
function siteIndex(html, { version, baseUrl }) {
  if (!html.includes('</head>')) throw new BuildError('index.html has no </head>: cannot add the site\'s service worker to it');
  const lines = [`<meta name="vitopo-site-version" content="${escapeAttribute(version)}">`];
  if (baseUrl) lines.push(`<meta name="vitopo-share-base" content="${escapeAttribute(baseUrl)}">`);
  lines.push('<script type="module" src="./site.mjs"></script>');
  return html.replace('</head>', `${lines.join('\n')}\n</head>`);
}

// A previous site (it has the manifest) or an empty folder may be replaced; anything else is refused.
function prepareOut(out, site) {
  if (path.resolve(out) === path.resolve(site) || path.resolve(site).startsWith(path.resolve(out) + path.sep)) {
    throw new BuildError(`--out ${out} would overwrite the page it is built from`);
  }
  if (fs.existsSync(out)) {
    if (!fs.statSync(out).isDirectory()) throw new BuildError(`--out ${out} is not a folder`);
    const entries = fs.readdirSync(out);
    if (entries.length && !entries.includes(MANIFEST)) {
      throw new BuildError(`--out ${out} is not empty and holds no previous site (${MANIFEST}): it is left as it is`);
    }
    fs.rmSync(out, { recursive: true, force: true });
  }
  fs.mkdirSync(out, { recursive: true });
}

export function buildSite({ site, out, baseUrl = null }) {
  if (!fs.existsSync(path.join(site, 'index.html'))) {
    throw new BuildError(`no page at ${site} (index.html missing): build it first with cmake --build --preset wasm`);
  }
  const files = new Map();
  for (const file of listFiles(site)) files.set(file, fs.readFileSync(path.join(site, file)));
  for (const file of ['site.mjs']) {
    if (files.has(file)) throw new BuildError(`the page at ${site} already has a ${file}`);
    files.set(file, fs.readFileSync(path.join(sourceDir, 'web', 'site', file)));
  }
  // index.html names site.mjs; its version is set once the names are known.
  files.set('index.html', Buffer.from(siteIndex(files.get('index.html').toString('utf8'), { version: '@VERSION@', baseUrl })));

  const edges = references(files);
  const contentHash = new Map([...files].map(([file, bytes]) => [file, sha256(bytes)]));
  const names = new Map();
  for (const file of files.keys()) {
    if (file === 'index.html') continue;
    const covered = closure(file, edges).map((f) => `${f} ${contentHash.get(f)}`).join('\n');
    names.set(file, hashedName(file, sha256(covered).slice(0, HASH_LENGTH)));
  }
  const output = new Map();
  for (const [file, bytes] of files) output.set(file, edges.get(file).size ? rewrite(file, bytes, edges, names) : bytes);

  const assets = [...names.values()].sort();
  const version = sha256(output.get('index.html') + '\n' + assets.join('\n')).slice(0, 12);
  output.set('index.html', Buffer.from(output.get('index.html').toString('utf8').replace('@VERSION@', version)));

  prepareOut(out, site);
  for (const [file, bytes] of output) {
    const target = path.join(out, ...(names.get(file) ?? file).split('/'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, bytes);
  }
  const precache = ['index.html', ...assets];
  const worker = fs.readFileSync(path.join(sourceDir, 'web', 'site', 'sw.js'), 'utf8');
  fs.writeFileSync(path.join(out, 'sw.js'),
    `// Generated by scripts/build_site.mjs: the site's version and the files it saves for offline use.\n` +
    `const VITOPO_SITE = ${JSON.stringify({ version, precache })};\n\n${worker}`);
  const manifest = { schema: 'vitopo.site/1', version, base_url: baseUrl, files: Object.fromEntries([...names].sort()) };
  fs.writeFileSync(path.join(out, MANIFEST), JSON.stringify(manifest, null, 1) + '\n');
  // GitHub Pages would otherwise run Jekyll over the folder.
  fs.writeFileSync(path.join(out, '.nojekyll'), '');
  const bytes = [...output.values()].reduce((sum, b) => sum + b.length, 0);
  return { version, files: output.size, bytes };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const options = parseArguments(process.argv.slice(2));
    if (options.help) {
      process.stdout.write(usage());
    } else {
      const { version, files, bytes } = buildSite(options);
      console.log(`vitopo: site version ${version} in ${options.out} (${files} files, ${(bytes / 1e6).toFixed(1)} MB)` +
        (options.baseUrl ? `; share links start with ${options.baseUrl}` : ''));
    }
  } catch (e) {
    if (!(e instanceof BuildError) && !(e.code && e.path)) throw e;
    console.error(`build-site: ${e.message}`);
    if (e instanceof BuildError && /argument|needs a value/.test(e.message)) console.error(usage());
    process.exit(2);
  }
}
