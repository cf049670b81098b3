/** The usage log: every finished request becomes one line in `{data_dir}/logs/usage/DAY.jsonl`. */
import type { Config } from "../config/types.ts";
import { usageLogDir } from "./day_file.ts";
import { DailyJsonlWriter, type JsonlWriterOptions } from "./jsonl_writer.ts";
import { usageLine } from "./log_line.ts";
import type { RequestRecord, UsageSink } from "./record.ts";

export class UsageLog implements UsageSink {
  readonly #writer: DailyJsonlWriter;
  readonly #config: Pick<Config, "providers">;

  constructor(
    config: Pick<Config, "providers" | "server">,
    options: Omit<JsonlWriterOptions, "dir"> = {},
  ) {
    this.#config = config;
    this.#writer = new DailyJsonlWriter({ ...options, dir: usageLogDir(config.server.dataDir) });
  }

  record(record: RequestRecord): void {
    this.#writer.push(record.startedAt, usageLine(record, this.#config));
  }

  flush(): Promise<void> {
    return this.#writer.flush();
  }

  close(): Promise<void> {
    return this.#writer.close();
  }
}

/** Sends each record to several sinks; one failing sink never stops the others. */
export function fanOut(sinks: UsageSink[]): UsageSink {
  return {
    record(record) {
      for (const sink of sinks) {
        try {
          sink.record(record);
        } catch (error) {
          console.error(
            "plexus: usage sink failed:",
            error instanceof Error ? error.message : error,
          );
        }
      }
    },
  };
}
