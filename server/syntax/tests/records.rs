//! Records (structs, interfaces, object types, classes) with their fields and constructors, what
//! functions read of their parameters, and parameters' defaults, per language.

#[allow(dead_code)]
mod common;

use std::fmt::Write;

use expect_test::{Expect, expect};
use syntax::*;

/// One line per record (`kind name`, visibility, fields, constructor), then one per function
/// that reads members, binds elements or has defaults.
fn render(language: Language, file_name: &str, src: &str) -> String {
    let (model, _) = common::model_of(language, file_name, src);
    let mut out = String::new();
    for r in &model.records {
        let fields: Vec<String> = r
            .fields
            .iter()
            .map(|f| {
                let mut s = f.name.clone();
                if f.optional {
                    s.push('?');
                }
                if let Some(ty) = &f.ty {
                    write!(s, ": {ty}").unwrap();
                }
                if let Some(d) = &f.default {
                    write!(s, " = {d}").unwrap();
                }
                if !f.public {
                    s.insert_str(0, "private ");
                }
                s
            })
            .collect();
        write!(
            out,
            "{:?} {}{} {{{}}}",
            r.kind,
            r.qualified_name,
            if r.public { " public" } else { "" },
            fields.join(", ")
        )
        .unwrap();
        if let Some(c) = &r.constructor {
            let params: Vec<String> = c.params.iter().map(param).collect();
            write!(
                out,
                " {}{}({})",
                if c.public { "" } else { "private " },
                c.name,
                params.join(", ")
            )
            .unwrap();
        }
        out.push('\n');
    }
    for f in &model.functions {
        let reads: Vec<String> = f
            .reads
            .iter()
            .map(|r| format!("{}.{}", r.object, r.member))
            .collect();
        let elements: Vec<String> = f
            .elements
            .iter()
            .map(|e| format!("{} in {}", e.name, e.collection))
            .collect();
        let defaults: Vec<String> = f
            .params
            .iter()
            .filter(|p| p.default.is_some())
            .map(param)
            .collect();
        if reads.is_empty() && elements.is_empty() && defaults.is_empty() && f.visibility.is_none()
        {
            continue;
        }
        write!(out, "fn {}", f.qualified_name).unwrap();
        if let Some(v) = &f.visibility {
            write!(out, " {v}").unwrap();
        }
        if !defaults.is_empty() {
            write!(out, " defaults=[{}]", defaults.join(", ")).unwrap();
        }
        if !reads.is_empty() {
            write!(out, " reads=[{}]", reads.join(", ")).unwrap();
        }
        if !elements.is_empty() {
            write!(out, " elements=[{}]", elements.join(", ")).unwrap();
        }
        out.push('\n');
    }
    if !model.imports.is_empty() {
        writeln!(out, "imports={:?}", model.imports).unwrap();
    }
    out
}

fn param(p: &Param) -> String {
    let mut s = p.name.clone();
    if let Some(ty) = &p.ty {
        write!(s, ": {ty}").unwrap();
    }
    if let Some(d) = &p.default {
        write!(s, " = {d}").unwrap();
    }
    s
}

fn check(language: Language, file_name: &str, src: &str, expect: Expect) {
    expect.assert_eq(&render(language, file_name, src));
}

#[test]
fn typescript_interfaces_object_types_and_classes() {
    check(
        Language::TypeScript,
        "src/pricing.ts",
        r#"
import { type Tier } from "./tier";

export interface Item {
  name: string;
  priceCents?: number;
  readonly qty: number;
}

type Point = { x: number, y: string | undefined };

export class Box {
  size: number = 3;
  private secret: string;
  constructor(public w: number, h = 2) {}
}

export abstract class Shape {}

export function total(items: Item[], tier: Tier = "guest"): number {
  return 0;
}
"#,
        expect![[r#"
            Interface Item public {name: string, priceCents?: number, qty: number}
            ObjectType Point {x: number, y: string | undefined}
            Class Box public {size: number = 3, private secret: string} constructor(w: number, h = 2)
            fn Box.constructor defaults=[h = 2]
            fn total defaults=[tier: Tier = "guest"]
            imports=["./tier"]
        "#]],
    );
}

#[test]
fn javascript_reads_of_parameters_through_loops_and_callbacks() {
    check(
        Language::JavaScript,
        "src/cart.js",
        r#"
const isFree = (item) => item.priceCents === 0 || item.qty === 0;

function cartTotal(items, express = false) {
  let weight = 0;
  for (const item of items) {
    weight += item.weight;
  }
  for (const key in items) {
    key.length;
  }
  return items
    .filter((i) => i.qty > 0 && i.priceCents > 0)
    .reduce((sum, i) => sum + i.extra, 0) + other.field + items.length;
}

function each(items) {
  items.forEach(function (x) { return x.name; });
  items.map(y => y.label.toUpperCase());
  return items.reduce((acc, z) => acc + z.n, 0);
}

class Cart {
  count = 0;
  constructor(owner, limit = 10) { this.owner = owner; }
}
"#,
        expect![[r#"
            Class Cart {count = 0} constructor(owner, limit = 10)
            fn isFree reads=[item.priceCents, item.qty]
            fn cartTotal defaults=[express = false] reads=[item.weight, i.qty, i.priceCents, i.extra, items.length] elements=[item in items, i in items]
            fn each reads=[x.name, y.label, z.n] elements=[x in items, y in items, z in items]
            fn Cart.constructor defaults=[limit = 10]
        "#]],
    );
}

#[test]
fn python_classes_dataclasses_named_tuples_and_reads() {
    check(
        Language::Python,
        "shop/cart.py",
        r#"
from dataclasses import dataclass, field
from typing import ClassVar, NamedTuple


@dataclass(frozen=True)
class Item:
    name: str
    price_cents: int
    qty: int = 0
    tags: list = field(default_factory=list)
    registry: ClassVar[dict] = {}


class Point(NamedTuple):
    x: int
    y: int


class Cart:
    def __init__(self, owner, limit: int = 10):
        self.owner = owner

    def add(self, item):
        return item.qty


class _Hidden:
    pass


def shipping(items, tier, express=False):
    weight = 0
    for item in items:
        if item.qty == 0:
            continue
        weight += item.qty
    items.append(None)
    return sum(i.price for i in items) + tier.level
"#,
        expect![[r#"
            Dataclass Item public {name: str, price_cents: int, qty: int = 0, tags: list = field(default_factory=list)}
            NamedTuple Point public {x: int, y: int}
            Class Cart public {} __init__(owner, limit: int = 10)
            Class _Hidden {}
            fn Cart.__init__ defaults=[limit: int = 10] reads=[self.owner]
            fn Cart.add reads=[item.qty]
            fn shipping defaults=[express = False] reads=[item.qty, i.price, tier.level] elements=[item in items, i in items]
            imports=["dataclasses", "typing"]
        "#]],
    );
}

#[test]
fn go_structs_with_grouped_and_embedded_fields() {
    check(
        Language::Go,
        "shop/cart.go",
        r#"
package shop

type Item struct {
	Name, Alias string
	PriceCents  int64 `json:"price"`
	qty         int
	Other
}

type (
	point struct{ X, Y int }
	Tier  int
)
"#,
        expect![[r#"
            Struct Item public {Name: string, Alias: string, PriceCents: int64, qty: int}
            Struct point {X: int, Y: int}
        "#]],
    );
}

#[test]
fn rust_structs_with_visibility_and_new() {
    check(
        Language::Rust,
        "src/lib.rs",
        r#"
#[derive(Debug)]
pub struct Item {
    pub name: String,
    pub(crate) price_cents: u64,
    qty: u32,
}

struct Tuple(u32, u32);

impl Item {
    pub fn new(name: &str, price_cents: u64, qty: u32) -> Self {
        Item { name: name.into(), price_cents, qty }
    }

    fn total(&self) -> u64 { 0 }
}

pub struct Secret {
    key: String,
}

impl Secret {
    fn new(key: &str) -> Secret { Secret { key: key.into() } }
}

mod inner {
    pub struct Nested {
        pub a: i32,
    }
}
"#,
        expect![[r#"
            Struct Item public {name: String, price_cents: u64, private qty: u32} new(name: &str, price_cents: u64, qty: u32)
            Struct Secret public {private key: String} private new(key: &str)
            Struct inner::Nested public {a: i32}
            fn Item::new pub
        "#]],
    );
}
