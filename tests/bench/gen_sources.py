"""Generates realistic single-file sources for the edit-latency benchmark.

Each language gets a file of about `target` lines (padded with comment lines to exactly that
many): many functions with ifs, loops, boolean operators and a switch/match, classes or impls
with methods, and a block of tests in the language's idiom. Some lines hold non-ASCII text
(`naïve 🚀`) before an edit site, so that UTF-16 columns differ from byte and char columns.

Besides the text, the generator returns *edit sites*: a line and a kind. At edit time the
benchmark finds the exact column on the line's current text with the kind's pattern:

* `num`  a number literal at the end of a statement: a digit is inserted after its first digit;
* `sig`  a function's signature line: a letter is appended to the parameter `seed`
         (the inlay hint sits at the end of this line, so its column moves);
* `amp`  `x & n` becomes `x && n` (one more decision point: the `cx` label changes);
* `hash` a one-line `if` in Python gets commented out with `#` (the label changes);
* `nl`   a line break is inserted at the end of a body line (every hint below moves a line).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

SITE_PATTERNS: dict[str, re.Pattern[str]] = {
    # group 1 ends where the character is inserted
    "num": re.compile(r"= (\d)\d*;?$"),
    "sig": re.compile(r"\((?:&mut self, |&self, |self, )?(seed)\b"),
    "amp": re.compile(r" (&) \w"),
    "hash": re.compile(r"^(\s*)if (?:flag|seed): "),
    "nl": re.compile(r"(;|[a-z0-9)])$"),
}

EXTENSIONS = {
    "rust": "widgets.rs",
    "python": "test_widgets.py",
    "go": "widgets_test.go",
    "typescript": "widgets.test.ts",
    "javascript": "widgets.test.js",
}

LANGUAGE_IDS = {
    "rust": "rust",
    "python": "python",
    "go": "go",
    "typescript": "typescript",
    "javascript": "javascript",
}


@dataclass
class Generated:
    language: str
    file_name: str
    text: str
    sites: list[tuple[int, str]]  # (0-based line, kind)
    functions: int  # functions and methods the generator wrote (tests included)


class Builder:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.sites: list[tuple[int, str]] = []
        self.functions = 0

    def add(self, block: str, sites: dict[str, str] | None = None, functions: int = 0) -> None:
        """Appends `block`; `sites` maps a kind to a substring that marks the site's line."""
        start = len(self.lines)
        block_lines = block.split("\n")
        if block_lines and block_lines[-1] == "":
            block_lines.pop()
        self.lines.extend(block_lines)
        self.functions += functions
        for kind, marker in (sites or {}).items():
            for k, line in enumerate(block_lines):
                if marker in line and SITE_PATTERNS[kind].search(line):
                    self.sites.append((start + k, kind))
                    break
            else:
                raise AssertionError(f"no {kind} site marked {marker!r} in block:\n{block}")


def _n(rng: random.Random) -> int:
    return rng.randint(11, 97)


def _sig_comment(i: int, style: str) -> str:
    return f" {style} 🚀 ünïcode {i}" if i % 3 == 0 else ""


# --------------------------------------------------------------------------------------- Rust


def gen_rust(target: int, rng: random.Random) -> Generated:
    b = Builder()
    b.add("//! Widgets and scores: a generated module for the edit-latency benchmark.\n\nuse std::fmt::Write as _;\n\n")
    i = 0
    body_budget = int(target * 0.78)
    while len(b.lines) < body_budget:
        n1, n2, n3, n4 = (_n(rng) for _ in range(4))
        b.add(
            f"""/// Scores batch {i}: a mix of branches, loops and a match.
pub fn score_{i}(seed: i64, flag: bool, items: &[i64]) -> i64 {{{_sig_comment(i, "//")}
    let label = "naïve 🚀 {i}"; let mut acc: i64 = {n1};
    let mask = seed & {n2};
    if seed > {n3} && flag {{
        acc += seed * 2;
    }} else if seed < -{n3} || !flag {{
        acc -= mask;
    }}
    for (idx, v) in items.iter().enumerate() {{
        if *v % 3 == 0 && idx > 2 {{
            continue;
        }}
        acc += v;
    }}
    while acc > {n4 * 100} {{
        acc /= 2;
    }}
    match seed % 4 {{
        0 => acc += 1,
        1 | 2 => acc -= 1,
        _ => {{}}
    }}
    let total = acc + label.len() as i64;
    if total > {n1} {{ total }} else {{ total - 1 }}
}}

""",
            {"sig": f"fn score_{i}(", "num": "let label", "amp": "let mask", "nl": "acc /= 2;"},
            functions=1,
        )
        if i % 3 == 0:
            b.add(
                f"""#[derive(Debug, Clone, Default)]
pub struct Widget{i} {{
    count: i64,
    name: String,
}}

impl Widget{i} {{
    pub fn new(name: &str) -> Self {{
        Self {{ count: {n1}, name: name.to_owned() }}
    }}

    pub fn step(&mut self, seed: i64) -> i64 {{
        let limit = {n2};
        let flags = seed & 3;
        if self.count > limit || seed < 0 {{
            self.count = 0;
        }}
        for k in 0..seed.min({n3}) {{
            self.count += k ^ flags;
        }}
        self.count
    }}

    pub fn describe(&self) -> String {{
        let mut out = String::new();
        match self.count {{
            0 => out.push_str("empty"),
            n if n < 10 => {{ let _ = write!(out, "{{}} small", self.name); }}
            _ => out.push_str(&self.name),
        }}
        out
    }}
}}

""",
                {"sig": "pub fn step(", "num": "let limit", "amp": "let flags"},
                functions=3,
            )
        i += 1
    count = i
    b.add("#[cfg(test)]\nmod tests {\n    use super::*;\n\n")
    j = 0
    while len(b.lines) < target - 30:
        n = _n(rng)
        k = j % count
        b.add(
            f"""    #[test]
    fn score_{j}_is_stable() {{
        let items = vec![1, 2, 3, {n}];
        assert_eq!(score_{k}(3, true, &items), score_{k}(3, true, &items));
        assert!(score_{k}(-{n}, false, &[]) != i64::MIN);
    }}

""",
            functions=1,
        )
        if k % 3 == 0:
            b.add(
                f"""    #[test]
    fn widget_{j}_steps() {{
        let mut w = Widget{k}::new("w");
        for s in 0..5 {{
            w.step(s);
        }}
        assert!(!w.describe().is_empty());
    }}

""",
                functions=1,
            )
        j += 1
    b.add("}\n")
    return _finish(b, "rust", target, "//")


# ------------------------------------------------------------------------------------- Python


def gen_python(target: int, rng: random.Random) -> Generated:
    b = Builder()
    b.add('"""Widgets and scores: a generated module for the edit-latency benchmark."""\n\nimport pytest\n\n')
    i = 0
    body_budget = int(target * 0.78)
    while len(b.lines) < body_budget:
        n1, n2, n3, n4 = (_n(rng) for _ in range(4))
        b.add(
            f'''
def score_{i}(seed, flag, items):{_sig_comment(i, " #")}
    """Scores batch {i}: branches, loops and a match."""
    label = "naïve 🚀 {i}"; acc = {n1}
    mask = seed & {n2}
    if seed > {n3} and flag:
        acc += seed * 2
    elif seed < -{n3} or not flag:
        acc -= mask
    for idx, v in enumerate(items):
        if v % 3 == 0 and idx > 2:
            continue
        acc += v
    while acc > {n4 * 100}:
        acc //= 2
    match seed % 4:
        case 0:
            acc += 1
        case 1 | 2:
            acc -= 1
        case _:
            pass
    if flag: acc += 1
    total = acc + len(label)
    return total if total > {n1} else total - 1

''',
            {"sig": f"def score_{i}(", "num": "label = ", "hash": "if flag: acc", "nl": "acc //= 2"},
            functions=1,
        )
        if i % 3 == 0:
            b.add(
                f'''
class Widget{i}:
    """A widget with a counter."""

    def __init__(self, name):
        self.count = {n1}
        self.name = name

    def step(self, seed):
        limit = {n2}
        if self.count > limit or seed < 0:
            self.count = 0
        for k in range(min(seed, {n3})):
            self.count += k ^ 3
        if seed: self.count += 1
        return self.count

    def describe(self):
        if self.count == 0:
            return "empty"
        elif self.count < 10:
            return f"{{self.name}} small"
        return self.name

''',
                {"sig": "def step(", "num": "limit = ", "hash": "if seed: self"},
                functions=3,
            )
        i += 1
    count = i
    j = 0
    while len(b.lines) < target - 20:
        n = _n(rng)
        k = j % count
        b.add(
            f'''
def test_score_{j}_is_stable():
    items = [1, 2, 3, {n}]
    assert score_{k}(3, True, items) == score_{k}(3, True, items)


@pytest.mark.parametrize("seed", [1, 2, {n}])
def test_score_{j}_accepts(seed):
    assert isinstance(score_{k}(seed, False, []), int)

''',
            functions=2,
        )
        if k % 3 == 0:
            b.add(
                f'''
class TestWidget{j}:
    def test_steps(self):
        w = Widget{k}("w")
        for s in range(5):
            w.step(s)
        assert w.describe()

''',
                functions=1,
            )
        j += 1
    return _finish(b, "python", target, "#")


# ----------------------------------------------------------------------------------------- Go


def gen_go(target: int, rng: random.Random) -> Generated:
    b = Builder()
    b.add('// Package widgets: a generated file for the edit-latency benchmark.\npackage widgets\n\nimport (\n\t"strings"\n\t"testing"\n)\n\n')
    i = 0
    body_budget = int(target * 0.78)
    while len(b.lines) < body_budget:
        n1, n2, n3, n4 = (_n(rng) for _ in range(4))
        b.add(
            f"""// Score{i} scores batch {i}: branches, loops and a switch.
func Score{i}(seed int, flag bool, items []int) int {{{_sig_comment(i, "//")}
	label := "naïve 🚀 {i}"; acc := {n1}
	mask := seed & {n2}
	if seed > {n3} && flag {{
		acc += seed * 2
	}} else if seed < -{n3} || !flag {{
		acc -= mask
	}}
	for idx, v := range items {{
		if v%3 == 0 && idx > 2 {{
			continue
		}}
		acc += v
	}}
	for acc > {n4 * 100} {{
		acc /= 2
	}}
	switch seed % 4 {{
	case 0:
		acc++
	case 1, 2:
		acc--
	default:
	}}
	total := acc + len(label)
	if total > {n1} {{
		return total
	}}
	return total - 1
}}

""",
            {"sig": f"func Score{i}(", "num": "label := ", "amp": "mask := ", "nl": "acc /= 2"},
            functions=1,
        )
        if i % 3 == 0:
            b.add(
                f"""// Widget{i} holds a counter.
type Widget{i} struct {{
	count int
	name  string
}}

// NewWidget{i} makes a widget.
func NewWidget{i}(name string) *Widget{i} {{
	return &Widget{i}{{count: {n1}, name: name}}
}}

// Step advances the widget.
func (w *Widget{i}) Step(seed int) int {{
	limit := {n2}
	flags := seed & 3
	if w.count > limit || seed < 0 {{
		w.count = 0
	}}
	for k := 0; k < seed && k < {n3}; k++ {{
		w.count += k ^ flags
	}}
	return w.count
}}

// Describe names the widget.
func (w *Widget{i}) Describe() string {{
	switch {{
	case w.count == 0:
		return "empty"
	case w.count < 10:
		return strings.ToUpper(w.name)
	}}
	return w.name
}}

""",
                {"sig": ") Step(", "num": "limit := ", "amp": "flags := "},
                functions=3,
            )
        i += 1
    count = i
    j = 0
    while len(b.lines) < target - 25:
        n = _n(rng)
        k = j % count
        b.add(
            f"""func TestScore{j}(t *testing.T) {{
	items := []int{{1, 2, 3, {n}}}
	if Score{k}(3, true, items) != Score{k}(3, true, items) {{
		t.Fatal("unstable")
	}}
	t.Run("negative", func(t *testing.T) {{
		if Score{k}(-{n}, false, nil) < -1_000_000_000 {{
			t.Error("out of range")
		}}
	}})
}}

""",
            functions=1,
        )
        if k % 3 == 0:
            b.add(
                f"""func TestWidget{j}(t *testing.T) {{
	w := NewWidget{k}("w")
	for s := 0; s < 5; s++ {{
		w.Step(s)
	}}
	if w.Describe() == "" {{
		t.Errorf("empty description")
	}}
}}

""",
                functions=1,
            )
        j += 1
    return _finish(b, "go", target, "//")


# ------------------------------------------------------------------------ JavaScript, TypeScript


def gen_ecma(target: int, rng: random.Random, typed: bool) -> Generated:
    def t(annotation: str) -> str:
        return annotation if typed else ""

    b = Builder()
    b.add('// Widgets and scores: a generated module for the edit-latency benchmark.\nimport { describe, it, test, expect } from "vitest";\n\n')
    i = 0
    body_budget = int(target * 0.78)
    while len(b.lines) < body_budget:
        n1, n2, n3, n4 = (_n(rng) for _ in range(4))
        if typed and i % 4 == 0:
            b.add(
                f"""export interface Scored{i} {{
  readonly id: number;
  label?: string;
  tags: string[];
}}

export enum Mode{i} {{
  Fast = {n2},
  Slow,
}}

""",
            )
        b.add(
            f"""/** Scores batch {i}: branches, loops and a switch. */
export function score{i}(seed{t(": number")}, flag{t(": boolean")}, items{t(": readonly number[]")}){t(": number")} {{{_sig_comment(i, "//")}
  const label = "naïve 🚀 {i}"; let acc = {n1};
  const mask = seed & {n2};
  if (seed > {n3} && flag) {{
    acc += seed * 2;
  }} else if (seed < -{n3} || !flag) {{
    acc -= mask;
  }}
  for (const [idx, v] of items.entries()) {{
    if (v % 3 === 0 && idx > 2) {{
      continue;
    }}
    acc += v;
  }}
  while (acc > {n4 * 100}) {{
    acc = Math.floor(acc / 2);
  }}
  switch (seed % 4) {{
    case 0:
      acc += 1;
      break;
    case 1:
    case 2:
      acc -= 1;
      break;
    default:
      break;
  }}
  const total = acc + (label?.length ?? 0);
  return total > {n1} ? total : total - 1;
}}

export const clamp{i} = (value{t(": number")}, lo = {n3}){t(": number")} => (value < lo ? lo : value);

""",
            {"sig": f"function score{i}(", "num": "const label", "amp": "const mask", "nl": "Math.floor(acc / 2);"},
            functions=2,
        )
        if i % 3 == 0:
            b.add(
                f"""export class Widget{i} {{
{t("  private count: number;" + chr(10) + chr(10))}  constructor({t("private readonly ")}name{t(": string")}) {{
    this.count = {n1};
{"" if typed else "    this.name = name;" + chr(10)}  }}

  step(seed{t(": number")}){t(": number")} {{
    const limit = {n2};
    const flags = seed & 3;
    if (this.count > limit || seed < 0) {{
      this.count = 0;
    }}
    for (let k = 0; k < Math.min(seed, {n3}); k++) {{
      this.count += k ^ flags;
    }}
    return this.count;
  }}

  describe(){t(": string")} {{
    return this.count === 0 ? "empty" : `${{this.name}} ${{this.count}}`;
  }}
}}

""",
                {"sig": "  step(", "num": "const limit", "amp": "const flags"},
                functions=4,
            )
        i += 1
    count = i
    j = 0
    while len(b.lines) < target - 25:
        n = _n(rng)
        k = j % count
        b.add(
            f"""describe("score{j}", () => {{
  it("is stable", () => {{
    const items = [1, 2, 3, {n}];
    expect(score{k}(3, true, items)).toBe(score{k}(3, true, items));
  }});

  it.each([[1], [2], [{n}]])("handles seed %i", (seed) => {{
    expect(typeof score{k}(seed, false, [])).toBe("number");
  }});
}});

""",
        )
        if k % 3 == 0:
            b.add(
                f"""describe("Widget{j}", () => {{
  test("steps", () => {{
    const w = new Widget{k}("w");
    for (let s = 0; s < 5; s++) w.step(s);
    expect(w.describe()).toBeTruthy();
  }});
}});

""",
            )
        j += 1
    return _finish(b, "typescript" if typed else "javascript", target, "//")


def _finish(b: Builder, language: str, target: int, comment: str) -> Generated:
    if len(b.lines) > target:
        raise AssertionError(f"{language}: generated {len(b.lines)} lines, over the {target} target")
    while len(b.lines) < target:
        b.lines.append(f"{comment} padding line {len(b.lines) + 1}")
    return Generated(
        language=language,
        file_name=EXTENSIONS[language],
        text="\n".join(b.lines) + "\n",
        sites=b.sites,
        functions=b.functions,
    )


GENERATORS = {
    "rust": gen_rust,
    "python": gen_python,
    "go": gen_go,
    "typescript": lambda target, rng: gen_ecma(target, rng, typed=True),
    "javascript": lambda target, rng: gen_ecma(target, rng, typed=False),
}


def generate(language: str, target: int = 10_000, seed: int = 1) -> Generated:
    return GENERATORS[language](target, random.Random(f"{language}-{seed}"))


if __name__ == "__main__":
    import argparse
    import pathlib

    parser = argparse.ArgumentParser(description="write the generated benchmark sources to a directory")
    parser.add_argument("out", type=pathlib.Path)
    parser.add_argument("--lines", type=int, default=10_000)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for lang in GENERATORS:
        g = generate(lang, args.lines)
        (args.out / g.file_name).write_text(g.text, encoding="utf-8")
        print(f"{g.file_name}: {len(g.text.splitlines())} lines, {g.functions} functions, {len(g.sites)} sites")
