/**
 * Budget periods are calendar periods in UTC: a day from 00:00, a week from Monday 00:00 (ISO
 * 8601), a month from the 1st; `total` never resets.
 */
import type { BudgetPeriod } from "../config/types.ts";

export interface PeriodWindow {
  /** Epoch ms the period began; 0 for `total`. */
  start: number;
  /** Epoch ms it ends (the budget resets); undefined for `total`. */
  end?: number;
}

const DAY_MS = 86_400_000;

export function periodWindow(period: BudgetPeriod, now: number): PeriodWindow {
  const date = new Date(now);
  const dayStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  switch (period) {
    case "day":
      return { start: dayStart, end: dayStart + DAY_MS };
    case "week": {
      // getUTCDay: 0 is Sunday; ISO weeks start on Monday.
      const sinceMonday = (date.getUTCDay() + 6) % 7;
      const start = dayStart - sinceMonday * DAY_MS;
      return { start, end: start + 7 * DAY_MS };
    }
    case "month":
      return {
        start: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1),
        end: Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1),
      };
    case "total":
      return { start: 0 };
  }
}

/** USD as integer nano-dollars: sums of many small costs stay exact, and Redis counts integers. */
export function toNanoUsd(usd: number): number {
  return Math.round(usd * 1e9);
}

export function fromNanoUsd(nano: number): number {
  return nano / 1e9;
}
