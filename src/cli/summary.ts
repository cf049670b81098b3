/** What `check-config` and the start-up line tell about a loaded config: never a secret. */
import type { Config } from "../config/types.ts";

export interface ConfigSummary {
  path: string;
  server: { host: string; port: number; dataDir: string };
  providers: {
    name: string;
    api: string;
    baseUrl: string;
    enabled: boolean;
    disabledReason?: string;
    models: string[];
  }[];
  aliases: {
    name: string;
    selector: string;
    targets: { provider: string; model: string; weight: number; enabled: boolean }[];
  }[];
  keys: string[];
  adminApi: boolean;
  warnings: string[];
}

export function summarize(config: Config): ConfigSummary {
  return {
    path: config.path,
    server: { host: config.server.host, port: config.server.port, dataDir: config.server.dataDir },
    providers: Object.values(config.providers).map((provider) => ({
      name: provider.name,
      api: provider.api,
      baseUrl: provider.baseUrl,
      enabled: provider.enabled,
      ...(provider.disabledReason === undefined ? {} : { disabledReason: provider.disabledReason }),
      models: Object.keys(provider.models),
    })),
    aliases: Object.values(config.models).map((alias) => ({
      name: alias.name,
      selector: alias.selector,
      targets: alias.targets.map(({ provider, model, weight, enabled }) => ({
        provider,
        model,
        weight,
        enabled,
      })),
    })),
    keys: config.keys.map((key) => key.name),
    adminApi: config.adminKey !== undefined,
    warnings: config.warnings,
  };
}

function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** `3 providers, 2 enabled; 4 aliases; 1 key`. */
export function countsText(config: Config): string {
  const providers = Object.values(config.providers);
  const enabled = providers.filter((provider) => provider.enabled).length;
  return `${plural(providers.length, "provider")}, ${enabled} enabled; ${
    plural(Object.keys(config.models).length, "alias", "aliases")
  }; ${plural(config.keys.length, "key")}`;
}

export function summaryText(summary: ConfigSummary): string {
  const lines = [`${summary.path}: ok`];
  lines.push(
    `server: http://${summary.server.host}:${summary.server.port}, data in ${summary.server.dataDir}`,
  );
  const enabled = summary.providers.filter((provider) => provider.enabled).length;
  lines.push(`providers (${summary.providers.length}, ${enabled} enabled):`);
  const nameWidth = Math.max(0, ...summary.providers.map((provider) => provider.name.length));
  for (const provider of summary.providers) {
    const state = provider.enabled ? "" : `  [disabled: ${provider.disabledReason}]`;
    lines.push(
      `  ${provider.name.padEnd(nameWidth)}  ${
        provider.api.padEnd(9)
      }  ${provider.baseUrl}  models: ${provider.models.join(", ") || "(none)"}${state}`,
    );
  }
  lines.push(`aliases (${summary.aliases.length}):`);
  for (const alias of summary.aliases) {
    const targets = alias.targets.map((target) =>
      `${target.provider}/${target.model}${
        alias.selector === "weighted" ? ` (weight ${target.weight})` : ""
      }${target.enabled ? "" : " [disabled]"}`
    );
    lines.push(`  ${alias.name} (${alias.selector}) -> ${targets.join(", ")}`);
  }
  lines.push(
    `keys (${summary.keys.length}): ${
      summary.keys.join(", ") ||
      "none usable; serve generates one on first start unless --allow-no-auth is given"
    }`,
  );
  lines.push(`admin API: ${summary.adminApi ? "enabled" : "disabled"}`);
  return lines.join("\n");
}
