// Command-line options of the page benchmarks, read with node's util.parseArgs.
import { parseArgs } from 'node:util';

// `spec`: { name: { type: 'string' | 'boolean' | 'number' | 'integer', default?, multiple?, required? } }.
// Numbers are given as strings and checked here: 'number' must be positive,
// 'integer' a positive integer. Returns the values by option name.
export function benchOptions(argv, spec) {
  const options = Object.fromEntries(Object.entries(spec).map(([name, s]) => [name,
    { type: s.type === 'boolean' ? 'boolean' : 'string', multiple: s.multiple ?? false }]));
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new Error(`bad options: ${e.message}`);
  }
  const missing = Object.keys(spec).filter((name) => spec[name].required && values[name] === undefined);
  if (missing.length) throw new Error(`${missing.map((m) => '--' + m).join(', ')} required`);
  for (const [name, s] of Object.entries(spec)) {
    if (values[name] === undefined) values[name] = s.default ?? (s.type === 'boolean' ? false : undefined);
    if ((s.type === 'number' || s.type === 'integer') && values[name] !== undefined) {
      const x = Number(values[name]);
      if (!(x > 0) || (s.type === 'integer' && !Number.isInteger(x)))
        throw new Error(`--${name} must be a positive ${s.type === 'integer' ? 'integer' : 'number'}`);
      values[name] = x;
    }
  }
  return values;
}
