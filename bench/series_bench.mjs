// Series benchmark, not a test: with the default model in the real page
// (Debian's headless Chromium, the site served with COOP/COEP), the time of
//   a 10-strength noise series,
//   an occlusion map over every patch (49 for the default model),
//   a 30-frame image series (the gallery's samples, repeated),
// each next to the time of one image (vitopo.loadImage of the first sample).
// Each is timed in the page with performance.now(), min and median of RUNS.
//
//   VITOPO_SITE=build/wasm/site node bench/series_bench.mjs [RUNS]
import { openPage, samples } from '../tests/e2e/harness.mjs';

const runs = Number(process.argv[2] ?? 3);
const { page, close } = await openPage();
try {
  const files = samples().map((s) => 'samples/' + s.file);
  const result = await page.evaluate(async ({ files, runs }) => {
    const v = window.vitopo;
    const time = async (body) => {
      const seconds = [];
      for (let k = 0; k < runs; k++) {
        const t = performance.now();
        await body();
        seconds.push((performance.now() - t) / 1000);
      }
      seconds.sort((a, b) => a - b);
      return { min: seconds[0], median: seconds[Math.floor(seconds.length / 2)] };
    };
    const frames = Array.from({ length: 30 }, (_, k) => files[k % files.length]);
    const one = await time(() => v.loadImage(files[0]));
    const noise = await time(() => v.series({ perturbation: 'noise', strengths: [0, 0.02, 0.04, 0.06, 0.08, 0.1, 0.15, 0.2, 0.3, 0.5], seed: 1 }));
    const occlusion = await time(() => v.series({ perturbation: 'occlusion' }));
    const series = await time(() => v.series({ frames }));
    const grid = v.model().grid;
    return { one, noise, occlusion, series, patches: grid[0] * grid[1], isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency };
  }, { files, runs });
  const row = (name, t, budget) => console.log(`${name.padEnd(34)} ${t.min.toFixed(2).padStart(7)} ${t.median.toFixed(2).padStart(7)}   ${budget}`);
  console.log(`series_bench: the default model, ${runs} runs, cross-origin isolated: ${result.isolated}, ${result.cores} cores`);
  console.log(`${'what'.padEnd(34)} ${'min s'.padStart(7)} ${'med s'.padStart(7)}   budget`);
  row('one image (loadImage)', result.one, '');
  row('noise, 10 strengths', result.noise, '≤ 3 s');
  row(`occlusion, ${result.patches} patches`, result.occlusion, '≤ 5 s');
  row('frames, 30 images', result.series, '≤ 6 s');
} finally {
  await close();
}
