import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeJson, safeText } from "./safe-text";

const storable = (value: string) => value.isWellFormed() && !value.includes("\u0000");

describe("safeText", () => {
  it("replaces NUL and lone surrogates with U+FFFD and keeps everything else, surrogate pairs included", () => {
    expect(safeText("openai/gpt-4o-mini\u0000")).toBe("openai/gpt-4o-mini\uFFFD");
    expect(safeText("a\ud800b\udc00c")).toBe("a\uFFFDb\uFFFDc");
    expect(safeText("\u0000\ud83d\ude00\ud83d")).toBe("\uFFFD\ud83d\ude00\uFFFD");
  });

  it("returns every string storable, and a storable one unchanged", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (value) => {
        const safe = safeText(value);
        expect(storable(safe)).toBe(true);
        expect(safe.length).toBe(value.length);
        if (storable(value)) expect(safe).toBe(value);
      }),
    );
  });
});

describe("safeJson", () => {
  it("makes keys and values storable at any depth, copying only what changes", () => {
    const clean = { headers: { "content-type": "application/json" }, n: 1, at: new Date(0) };
    const input = { clean, list: ["ok", "bad\u0000", { "k\ud800": "v" }], top: "x" };
    const safe = safeJson(input);
    expect(safe).toEqual({ clean, list: ["ok", "bad\uFFFD", { "k\uFFFD": "v" }], top: "x" });
    expect(safe.clean).toBe(clean);
    expect(input.list[1]).toBe("bad\u0000");
  });

  it("returns a clean value as the same object", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const clean = JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === "string" ? safeText(v) : v))) as unknown;
        expect(safeJson(clean)).toBe(clean);
      }),
    );
  });

  it("leaves no NUL or lone surrogate in what JSON.stringify writes, which Postgres would refuse", () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: "binary" }), (value) => {
        expect(JSON.stringify(safeJson(value))).not.toMatch(/\\u0000|\\ud[89a-f][0-9a-f]{2}/i);
      }),
    );
  });

  it("keeps a __proto__ key from parsed JSON as an ordinary key", () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": "x\\u0000"}, "a": 1}') as Record<string, unknown>;
    const safe = safeJson(parsed);
    expect(Object.keys(safe)).toEqual(["__proto__", "a"]);
    expect(JSON.stringify(safe)).toBe('{"__proto__":{"polluted":"x\uFFFD"},"a":1}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
