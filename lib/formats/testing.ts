import { expect } from "vitest";
import { FormatError } from "./codec";

/** For codec tests: the FormatError `run` throws; fails when it returns or throws anything else. */
export function formatError(run: () => unknown): FormatError {
  try {
    run();
  } catch (error) {
    if (error instanceof FormatError) return error;
    throw error;
  }
  throw new Error("expected a FormatError");
}

/** For codec property tests: what `work` returns, or undefined for a FormatError naming its field; anything else thrown fails. */
export function valueOrFormatError<T>(work: () => T): T | undefined {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    expect(error.message).toContain(error.field);
    return undefined;
  }
}
