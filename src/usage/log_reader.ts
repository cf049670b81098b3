/**
 * Reads usage log lines back, one at a time, without loading a file whole. Lines that are not
 * a JSON object (the half-written last line of a crash, a stray edit) are skipped and counted.
 */
import { dayOfFileName } from "./day_file.ts";

/** A line as it was written, with the fields readers filter on. */
export interface ReadLine {
  text: string;
  fields: Record<string, unknown>;
}

/**
 * Day files of `dir` whose UTC day lies within `[fromDay, toDay]`, oldest day first; a day's
 * files of several instances (`DAY.<instance>.jsonl`) one after the other.
 */
export async function dayFilesBetween(
  dir: string,
  fromDay: string | undefined,
  toDay: string | undefined,
): Promise<string[]> {
  const files: Array<{ day: string; name: string }> = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const day = entry.isFile ? dayOfFileName(entry.name) : undefined;
      if (day === undefined) continue;
      if (fromDay !== undefined && day < fromDay) continue;
      if (toDay !== undefined && day > toDay) continue;
      files.push({ day, name: entry.name });
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  files.sort((a, b) => a.day < b.day ? -1 : a.day > b.day ? 1 : a.name < b.name ? -1 : 1);
  return files.map((file) => `${dir}/${file.name}`);
}

/** Splits a stream of text into lines, keeping only one partial line in memory. */
export async function* textLines(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of chunks) {
    rest += chunk;
    let newline = rest.indexOf("\n");
    while (newline !== -1) {
      yield rest.slice(0, newline);
      rest = rest.slice(newline + 1);
      newline = rest.indexOf("\n");
    }
  }
  if (rest !== "") yield rest;
}

function parsedObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? value as Record<string, unknown>
      : undefined;
  } catch {
    return undefined;
  }
}

export interface ReadCounts {
  skipped: number;
}

/** Every readable line of the files, in order; `counts.skipped` grows for each unreadable one. */
export async function* readUsageLines(
  paths: readonly string[],
  counts: ReadCounts = { skipped: 0 },
): AsyncGenerator<ReadLine> {
  for (const path of paths) {
    const file = await Deno.open(path, { read: true });
    const chunks = file.readable.pipeThrough(new TextDecoderStream());
    for await (const line of textLines(chunks)) {
      if (line.trim() === "") continue;
      const fields = parsedObject(line);
      if (fields === undefined) {
        counts.skipped++;
        continue;
      }
      yield { text: line, fields };
    }
  }
}
