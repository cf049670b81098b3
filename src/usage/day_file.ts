/** Where a day's lines go: `{dir}/YYYY-MM-DD.jsonl`, the UTC date of the request's start. */

/** `2026-11-01` for any instant of that UTC day. */
export function utcDay(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/**
 * `DAY.jsonl`, or `DAY.<instance>.jsonl` when several instances write into one folder (the Redis
 * store lets them share a data_dir): each appends only to its own files.
 */
export function dayFilePath(dir: string, epochMs: number, instance?: string): string {
  return `${dir}/${utcDay(epochMs)}${instance === undefined ? "" : `.${instance}`}.jsonl`;
}

/** The day a file name stands for, or undefined for files that are not day files. */
export function dayOfFileName(name: string): string | undefined {
  return /^(\d{4}-\d{2}-\d{2})(?:\.[A-Za-z0-9_-]+)?\.jsonl$/.exec(name)?.[1];
}

export function usageLogDir(dataDir: string): string {
  return `${dataDir}/logs/usage`;
}

export function bodiesLogDir(dataDir: string): string {
  return `${dataDir}/logs/bodies`;
}
