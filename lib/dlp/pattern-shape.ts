/**
 * What a custom pattern can match, read from its RE2 syntax without running it: the longest match
 * in UTF-16 units (Infinity when `*`, `+` or `{n,}` leave it unbounded) and whether a match may
 * hold whitespace. Scanning relies on both (detectors.ts): the longest match bounds the window RE2
 * needs to see and what a stream holds back; a pattern that cannot match whitespace lets a stream
 * emit everything up to the last space at once. Every estimate errs long and towards whitespace.
 * The pattern has already compiled in RE2, so its syntax is valid.
 */
export interface PatternShape {
  maxLength: number;
  mayMatchSpace: boolean;
}

/** JS `\s`: what a stream treats as the end of a custom pattern's match. */
const WHITESPACE = [0x9, 0xa, 0xb, 0xc, 0xd, 0x20, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff];

function isWhitespace(point: number): boolean {
  return WHITESPACE.includes(point) || (point >= 0x2000 && point <= 0x200a);
}

function rangeHasWhitespace(low: number, high: number): boolean {
  return WHITESPACE.some((point) => point >= low && point <= high) || (low <= 0x200a && high >= 0x2000);
}

const unitsOf = (point: number) => (point > 0xffff ? 2 : 1);

/** Any one character (or byte, for `\C`) that may be astral and may be whitespace. */
const ANY: PatternShape = { maxLength: 2, mayMatchSpace: true };
const NOTHING: PatternShape = { maxLength: 0, mayMatchSpace: false };

const ESCAPED_CLASSES: Record<string, PatternShape> = {
  d: { maxLength: 1, mayMatchSpace: false },
  w: { maxLength: 1, mayMatchSpace: false },
  s: { maxLength: 1, mayMatchSpace: true },
  D: ANY,
  W: ANY,
  S: { maxLength: 2, mayMatchSpace: false },
  p: ANY,
  P: ANY,
  C: ANY,
};
const ZERO_WIDTH = new Set(["b", "B", "A", "z"]);
const CONTROL_ESCAPES: Record<string, number> = { n: 0xa, r: 0xd, t: 0x9, f: 0xc, v: 0xb, a: 0x7 };
const SPACELESS_POSIX = new Set(["alnum", "alpha", "digit", "lower", "upper", "xdigit", "word", "punct", "graph"]);

export function patternShape(source: string): PatternShape {
  const points = [...source].map((char) => char.codePointAt(0)!);
  let at = 0;
  const peek = (offset = 0) => (at + offset < points.length ? String.fromCodePoint(points[at + offset]!) : "");

  function alternation(): PatternShape {
    const shape = sequence();
    while (peek() === "|") {
      at += 1;
      const next = sequence();
      shape.maxLength = Math.max(shape.maxLength, next.maxLength);
      shape.mayMatchSpace ||= next.mayMatchSpace;
    }
    return shape;
  }

  function sequence(): PatternShape {
    const shape = { ...NOTHING };
    while (at < points.length && peek() !== "|" && peek() !== ")") {
      const item = quantified(atom());
      shape.maxLength += item.maxLength;
      shape.mayMatchSpace ||= item.mayMatchSpace;
    }
    return shape;
  }

  function quantified(shape: PatternShape): PatternShape {
    for (;;) {
      const char = peek();
      let times: number | undefined;
      if (char === "*" || char === "+") {
        at += 1;
        times = Infinity;
      } else if (char === "?") {
        at += 1;
        times = 1;
      } else if (char === "{") {
        const rest = String.fromCodePoint(...points.slice(at, at + 24));
        const repeat = /^\{(\d+)(,(\d*))?\}/.exec(rest);
        if (!repeat) return shape;
        at += repeat[0].length;
        times = repeat[2] === undefined ? Number(repeat[1]) : repeat[3] ? Number(repeat[3]) : Infinity;
      } else return shape;
      if (peek() === "?") at += 1;
      shape = { maxLength: shape.maxLength === 0 ? 0 : shape.maxLength * times, mayMatchSpace: shape.mayMatchSpace && times > 0 };
    }
  }

  function atom(): PatternShape {
    const char = peek();
    at += 1;
    if (char === "(") {
      if (peek() === "?") {
        // Flags alone (`(?i)`) match nothing; `(?i:…)`, `(?:…)`, `(?P<name>…)` and `(?<name>…)` group.
        const flags = /^\?[a-zA-Z-]*\)/.exec(String.fromCodePoint(...points.slice(at, at + 12)));
        if (flags) {
          at += flags[0].length;
          return { ...NOTHING };
        }
        while (at < points.length && peek() !== ":" && peek() !== ">") at += 1;
        at += 1;
      }
      const inner = alternation();
      at += 1;
      return inner;
    }
    if (char === "[") return characterClass();
    if (char === "\\") return escape(false).shape;
    if (char === ".") return ANY;
    if (char === "^" || char === "$") return { ...NOTHING };
    const point = char.codePointAt(0)!;
    return { maxLength: unitsOf(point), mayMatchSpace: isWhitespace(point) };
  }

  /** After a backslash: a class's shape, or the one character it stands for. */
  function escape(inClass: boolean): { shape: PatternShape; point?: number } {
    const char = peek();
    at += 1;
    if (char in ESCAPED_CLASSES) {
      if ((char === "p" || char === "P") && peek() === "{") while (at < points.length && peek() !== "}") at += 1;
      if (char === "p" || char === "P") at += 1;
      return { shape: ESCAPED_CLASSES[char]! };
    }
    if (!inClass && ZERO_WIDTH.has(char)) return { shape: { ...NOTHING } };
    if (!inClass && char === "Q") {
      const shape = { ...NOTHING };
      while (at < points.length && !(peek() === "\\" && peek(1) === "E")) {
        shape.maxLength += unitsOf(points[at]!);
        shape.mayMatchSpace ||= isWhitespace(points[at]!);
        at += 1;
      }
      at += 2;
      return { shape };
    }
    let point: number;
    if (char === "x") {
      const hex = peek() === "{" ? /^\{([0-9A-Fa-f]+)\}/ : /^([0-9A-Fa-f]{2})/;
      const found = hex.exec(String.fromCodePoint(...points.slice(at, at + 12)))!;
      at += found[0].length;
      point = parseInt(found[1]!, 16);
    } else if (/^[0-7]$/.test(char)) {
      let digits = char;
      while (digits.length < 3 && /^[0-7]$/.test(peek())) {
        digits += peek();
        at += 1;
      }
      point = parseInt(digits, 8);
    } else point = CONTROL_ESCAPES[char] ?? char.codePointAt(0)!;
    return { shape: { maxLength: unitsOf(point), mayMatchSpace: isWhitespace(point) }, point };
  }

  function characterClass(): PatternShape {
    const negated = peek() === "^";
    if (negated) at += 1;
    let maxLength = 1;
    let mayMatchSpace = negated;
    let first = true;
    while (at < points.length && (first || peek() !== "]")) {
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(String.fromCodePoint(...points.slice(at, at + 16)));
      if (posix) {
        at += posix[0].length;
        if (posix[1] || !SPACELESS_POSIX.has(posix[2]!)) mayMatchSpace = true;
        if (posix[1]) maxLength = 2;
        continue;
      }
      let low: number | undefined;
      if (peek() === "\\") {
        at += 1;
        const escaped = escape(true);
        if (escaped.point === undefined) {
          maxLength = Math.max(maxLength, escaped.shape.maxLength);
          mayMatchSpace ||= escaped.shape.mayMatchSpace;
          continue;
        }
        low = escaped.point;
      } else low = points[at++]!;
      let high = low;
      if (peek() === "-" && peek(1) !== "]" && peek(1) !== "") {
        at += 1;
        if (peek() === "\\") {
          at += 1;
          high = escape(true).point ?? 0x10ffff;
        } else high = points[at++]!;
      }
      maxLength = Math.max(maxLength, negated ? 2 : unitsOf(high));
      mayMatchSpace ||= rangeHasWhitespace(low, high);
    }
    at += 1;
    return { maxLength, mayMatchSpace };
  }

  return alternation();
}
