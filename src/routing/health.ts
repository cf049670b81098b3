/** What routing needs to know about target health, and what dispatch tells it back. */
import type { AttemptFailure } from "../upstream/failure.ts";

export interface TargetHealth {
  /** Epoch ms until which the target (or its whole provider) is cooling down; 0 when healthy. */
  coolingUntil(provider: string, model: string, now: number): number;
  /** The target answered: forget its failures. */
  reportSuccess(provider: string, model: string, now: number): void;
  /** The target failed in a way that may cool it down. */
  reportFailure(provider: string, model: string, failure: AttemptFailure, now: number): void;
}

/** For tests and tools that route without remembering anything. */
export const ALWAYS_HEALTHY: TargetHealth = {
  coolingUntil: () => 0,
  reportSuccess: () => {},
  reportFailure: () => {},
};
