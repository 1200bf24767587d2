// @ts-check
// The Pyodide worker: loads Python, NumPy, SciPy and ndlab, then answers requests one at a time.
// It never touches the DOM. It runs as a dedicated worker for the page, or as a shared worker
// that every embedded demo on a host page connects to, so they share one Python. The inputs and
// every step's array stay here (ndlab.bridge); only displays and asked-for values cross back.
// The messages are declared in static/protocol.js. This file wires three parts together:
//   transport.js  connections, the job queue, control messages, the crash probe, the interrupt
//   startup.js    the snapshot or the usual start, in named stages (downloads.js: the
//                 downloads, counted and checked; snapshot.js, snapshot-fit.js: the snapshot)
//   jobs.js       one handler for every job: marshalling into Python and back (prepare.js: the
//                 work a job needs first)
import { EVENT, HINTS, errorInfo } from "../static/protocol.js";
import { jobHandler } from "./jobs.js";
import { start } from "./startup.js";
import { broadcast, listen } from "./transport.js";

const ready = start();
ready.catch((error) =>
  broadcast({
    type: EVENT.failed,
    error: errorInfo(error?.name ?? "Error", String(error?.message ?? error), HINTS.startFailed),
  }),
);

listen({
  job: jobHandler(ready),
  // ndlab checks the buffer between its long calls (ndlab.interrupt). Pyodide's own
  // setInterruptBuffer is not used: its poller clears the request, and in our runs the
  // interrupt it queued was not raised, so the computation went on.
  interruptBuffer: (buffer) =>
    ready.then(({ pyodide }) => pyodide.pyimport("ndlab.interrupt").install(buffer)),
});
