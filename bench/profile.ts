/**
 * `BENCH_PROFILE=1`: the gateway ran with `--v8-flags=--prof`, which leaves `isolate-*.log` in its
 * working directory; `node --prof-process` turns that into a readable profile.
 */
export async function profileSummary(workDir: string): Promise<string> {
  const logs: string[] = [];
  for await (const entry of Deno.readDir(workDir)) {
    if (entry.isFile && /^isolate-.*\.log$/.test(entry.name)) logs.push(`${workDir}/${entry.name}`);
  }
  if (logs.length === 0) return "no isolate-*.log was written (was --v8-flags=--prof honoured?)";
  // The largest log is the main isolate's.
  const sized = await Promise.all(logs.map(async (p) => ({ p, size: (await Deno.stat(p)).size })));
  const log = sized.sort((a, b) => b.size - a.size)[0].p;
  try {
    const out = await new Deno.Command("node", {
      args: ["--prof-process", log],
      stdout: "piped",
      stderr: "null",
    }).output();
    return new TextDecoder().decode(out.stdout);
  } catch {
    return `node is not installed; process ${log} with: node --prof-process ${log}`;
  }
}
