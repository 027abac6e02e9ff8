// CPU time of Chromium's processes from /proc, for the page benchmarks.
import fs from 'node:fs';

// CPU time (ms) of Chromium's processes, from /proc: the renderer's web worker
// threads (the analysis and comparison workers, their pthreads), the renderer's other threads
// (its main thread and the rest), and every other Chromium process (the GPU
// process draws the views with SwiftShader). On a shared, loaded machine CPU
// time is what other work distorts least.
const TICK_MS = 1000 / 100;  // USER_HZ
function statOf(file) {
  const text = fs.readFileSync(file, 'utf8');
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  return { comm: text.slice(text.indexOf('(') + 1, close), ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
}
// `root`: this node process; Chromium's processes are its descendants.
export function chromiumCpu(root) {
  const children = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const { ppid } = statOf(`/proc/${name}/stat`);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch { /* gone */ }
  }
  const cpu = { workers: 0, renderer: 0, others: 0, threads: new Map() };  // threads: each worker thread's CPU
  const visit = (pid) => {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const renderer = cmdline.includes('--type=renderer');
      if (cmdline.split('\0')[0].includes('chromium')) for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
        try {
          const t = statOf(`/proc/${pid}/task/${task}/stat`);
          if (!renderer) cpu.others += t.cpu;
          else if (t.comm.startsWith('DedicatedWorker')) {
            cpu.workers += t.cpu;
            cpu.threads.set(`${pid}/${task}`, t.cpu);
          }
          else cpu.renderer += t.cpu;
        } catch { /* gone */ }
      }
    } catch { /* gone */ }
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return cpu;
}
