import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, rewrapSecret } from "./envelope";
import { parseMasterKeys } from "./master-keys";

const [k1, k2] = [randomBytes(32).toString("base64"), randomBytes(32).toString("base64")];
const AAD = "team_1:openai:default";
const SECRET = "sk-proj-envelope-0123456789";

describe("rewrapSecret", () => {
  it("wraps the data key under the current master key and leaves the sealed secret as it was", () => {
    const sealed = encryptSecret(parseMasterKeys(`v1:${k1}`), SECRET, AAD);
    const rewrapped = rewrapSecret(parseMasterKeys(`v1:${k1},v2:${k2}`), sealed, AAD);
    expect(rewrapped.masterKeyVersion).toBe("v2");
    expect(rewrapped.ciphertext.split(".")[1]).toBe(sealed.ciphertext.split(".")[1]);
    expect(decryptSecret(parseMasterKeys(`v2:${k2}`), rewrapped, AAD)).toBe(SECRET);
    expect(() => decryptSecret(parseMasterKeys(`v1:${k1}`), rewrapped, AAD)).toThrow("master key v2 is not configured");
  });

  it("refuses a secret whose master key is missing or whose binding is wrong", () => {
    const sealed = encryptSecret(parseMasterKeys(`v1:${k1}`), SECRET, AAD);
    expect(() => rewrapSecret(parseMasterKeys(`v2:${k2}`), sealed, AAD)).toThrow("master key v1 is not configured");
    expect(() => rewrapSecret(parseMasterKeys(`v1:${k1},v2:${k2}`), sealed, "team_2:openai:default")).toThrow();
    expect(() => rewrapSecret(parseMasterKeys(`v1:${k1}`), { ...sealed, ciphertext: "nodot" }, AAD)).toThrow("malformed sealed secret");
  });
});

describe("parseMasterKeys", () => {
  it("takes commas or one key per line, the last one current", () => {
    for (const spec of [`v1:${k1},v2:${k2}`, `v1:${k1}\nv2:${k2}\n`, ` v1:${k1} ,\n v2:${k2}`]) {
      const ring = parseMasterKeys(spec);
      expect(ring.current).toBe("v2");
      expect([...ring.keys.keys()]).toEqual(["v1", "v2"]);
    }
  });

  it("refuses a version listed twice", () => {
    expect(() => parseMasterKeys(`v1:${k1},v1:${k2}`)).toThrow("master key v1 is listed twice; give the new key a new version");
  });
});
