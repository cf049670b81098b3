/**
 * The usage sink every record passes through first: error messages and attempt reasons quote
 * providers, so secrets are taken out once here for the usage log, metrics, `/v0/logs` and
 * `/v0/events` alike.
 */
import { scrubSecrets } from "../auth/secrets.ts";
import type { RequestRecord, UsageSink } from "./record.ts";

export function scrubbedSink(next: UsageSink): UsageSink {
  return {
    record(record: RequestRecord): void {
      if (record.error !== undefined) {
        record.error = { ...record.error, message: scrubSecrets(record.error.message) };
      }
      for (const attempt of record.attempts) {
        if (attempt.reason !== undefined) attempt.reason = scrubSecrets(attempt.reason);
      }
      next.record(record);
    },
  };
}
