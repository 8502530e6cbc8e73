// Stopping what a benchmark started, whatever way it ends: normal exit, a thrown error, Ctrl-C or SIGTERM.
// Each cleanup is synchronous (it must run inside the 'exit' event) and runs once.
const cleanups = new Set();
let installed = false;

// Runs every registered cleanup once, newest first; one failing does not stop the others.
function runAll() {
  for (const fn of [...cleanups].reverse()) {
    cleanups.delete(fn);
    try {
      fn();
    } catch (err) {
      process.stderr.write(`bench cleanup: ${err.message}\n`);
    }
  }
}

/** Registers a synchronous cleanup; returns a function that runs it now (and unregisters it). */
export function atExit(fn) {
  if (!installed) {
    installed = true;
    process.on('exit', runAll);
    for (const signal of ['SIGINT', 'SIGTERM']) {
      process.once(signal, () => {
        runAll();
        process.exit(signal === 'SIGINT' ? 130 : 143);
      });
    }
  }
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    cleanups.delete(once);
    fn();
  };
  cleanups.add(once);
  return once;
}
