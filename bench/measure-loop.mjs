// One round of a bench row: a loop of commands for about `ms`, in any runtime (Node or workerd).

/** Runs `run(handler)` again and again for about `ms`; µs per command, GC included. */
export async function timedLoop(run, handler, commandsPerRun, ms) {
  let commands = 0;
  const started = performance.now();
  let now = started;
  while (now - started < ms) {
    for (let i = 0; i < 16; i++) await run(handler);
    commands += 16 * commandsPerRun;
    now = performance.now();
  }
  return ((now - started) * 1000) / commands;
}
