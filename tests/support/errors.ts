import { expect } from "vitest";
import { json } from "./http";

export interface GatewayErrorBody {
  error: { message: string; type: string; code: unknown };
  name: string;
  internalCode: number;
  httpCode: number;
}

/**
 * Asserts the gateway itself refused the request, in OpenAI's error shape (so OpenAI SDKs surface
 * the message) carrying Cloudflare's `name`, `internalCode` and `httpCode` (reference §10).
 */
export async function expectGatewayError(
  res: Response,
  status: number,
  internalCode?: number,
): Promise<GatewayErrorBody> {
  const text = await res.clone().text();
  expect(res.status, text).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/application\/json/);
  const body = await json<GatewayErrorBody>(res);
  expect(typeof body.error?.message).toBe("string");
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(typeof body.error.type).toBe("string");
  expect(body.error).toHaveProperty("code");
  expect(body.name).toBe("AiGatewayError");
  expect(body.httpCode).toBe(status);
  if (internalCode !== undefined) expect(body.internalCode).toBe(internalCode);
  else expect(typeof body.internalCode).toBe("number");
  return body;
}

export const expectUnauthorized = (res: Response) => expectGatewayError(res, 401, 2009);
