import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ResponseWindows, textWindows } from "./response-windows";

describe("ResponseWindows", () => {
  it("returns nothing until a window fills, then each window with the previous one's tail", () => {
    const windows = new ResponseWindows(10, 3);
    expect(windows.push("abcd")).toEqual([]);
    expect(windows.push("efghij")).toEqual([{ text: "abcdefghij", throughChar: 10 }]);
    expect(windows.push("klmnopqrstuvwxyz0123")).toEqual([
      { text: "hijklmnopqrst", throughChar: 20 },
      { text: "rstuvwxyz0123", throughChar: 30 },
    ]);
    expect(windows.push("45")).toEqual([]);
    expect(windows.end()).toEqual({ text: "12345", throughChar: 32 });
    expect(windows.length).toBe(32);
  });

  it("ends with nothing when no text came after the last full window", () => {
    const windows = new ResponseWindows(4, 1);
    expect(windows.end()).toBeUndefined();
    expect(windows.push("abcd")).toHaveLength(1);
    expect(windows.end()).toBeUndefined();
  });

  it("never cuts an astral character in half", () => {
    const windows = new ResponseWindows(3, 1);
    const cut = windows.push("ab😀cd");
    expect(cut[0]).toEqual({ text: "ab😀", throughChar: 4 });
    expect(windows.end()).toEqual({ text: "😀cd", throughChar: 6 });
  });

  it("refuses windows it could not make progress with", () => {
    expect(() => new ResponseWindows(0)).toThrow(RangeError);
    expect(() => new ResponseWindows(10, 10)).toThrow(RangeError);
  });

  it("covers the whole text however it arrives, each window at most window + overlap long", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: "grapheme", maxLength: 30 }), { maxLength: 20 }), fc.integer({ min: 2, max: 20 }), fc.integer({ min: 0, max: 19 }), (pieces, size, overlapWish) => {
        const overlap = overlapWish % size;
        const windows = new ResponseWindows(size, overlap);
        const cut = [...pieces.flatMap((piece) => windows.push(piece))];
        const last = windows.end();
        if (last) cut.push(last);
        const whole = pieces.join("");
        // Each window is the text right before its end; together they reach the end without gaps.
        let covered = 0;
        for (const window of cut) {
          expect(whole.slice(0, window.throughChar).endsWith(window.text)).toBe(true);
          expect(window.throughChar - window.text.length).toBeLessThanOrEqual(covered);
          expect(window.text.length).toBeLessThanOrEqual(size + overlap + 2);
          covered = window.throughChar;
        }
        expect(covered).toBe(whole.length);
        expect(textWindows(whole, size, overlap)).toEqual(textWindows(whole, size, overlap));
      }),
    );
  });
});

describe("textWindows", () => {
  it("is one window for a short text and none for an empty one", () => {
    expect(textWindows("hello")).toEqual([{ text: "hello", throughChar: 5 }]);
    expect(textWindows("")).toEqual([]);
  });

  it("cuts a long text as a stream would", () => {
    expect(textWindows("abcdefghijkl", 5, 2)).toEqual([
      { text: "abcde", throughChar: 5 },
      { text: "defghij", throughChar: 10 },
      { text: "ijkl", throughChar: 12 },
    ]);
  });
});
