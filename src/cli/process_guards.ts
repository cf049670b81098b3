/**
 * Last-resort handlers for the serving process: a promise rejection nobody handled or an error
 * thrown from a callback is logged on one line, never the end of the process. Every such report
 * is a bug to fix, but one request's bug must not take every other request down with it.
 */

let installed = false;

export function installProcessGuards(log: (line: string) => void = console.error): void {
  if (installed) return;
  installed = true;
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    log(`plexus: unhandled promise rejection: ${describe(event.reason)}`);
  });
  globalThis.addEventListener("error", (event) => {
    event.preventDefault();
    log(`plexus: uncaught error: ${describe(event.error ?? event.message)}`);
  });
}

function describe(reason: unknown): string {
  return reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
}
