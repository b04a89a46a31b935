//! Methods: the value a generated test calls a method on, built the way the code builds one (its
//! constructor with values for its parameters, a Go zero value), or the type itself for static
//! and associated functions.

use syntax::{FileModel, Function, Language, TextRange};

use super::inputs;
use super::shapes::Shapes;
use super::{Refusal, TargetFunction};

/// What a method is called on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receiver {
    /// The class, struct or type the method belongs to: what the test imports.
    pub type_name: String,
    /// Code that makes a value to call the method on (`Cart()`, `new Cart(0)`, `(&Cart{})`,
    /// `Item::new("a", 1, 1)`); `None` for a static or associated function, called on the type.
    pub construct: Option<String>,
}

impl Receiver {
    /// `callee` as the test calls it: `Cart().total`, `Cart.of`, `Item::new`.
    pub(crate) fn callee(&self, language: Language, name: &str) -> String {
        let sep = if language == Language::Rust {
            "::"
        } else {
            "."
        };
        match &self.construct {
            Some(value) => format!("{value}.{name}"),
            None => format!("{}{sep}{name}", self.type_name),
        }
    }
}

fn unsupported(why: String) -> Refusal {
    Refusal::Unsupported(why)
}

/// The receiver of `function`, a method of `model`'s file, or why a test cannot call it.
pub(crate) fn receiver(
    shapes: &Shapes,
    text: &str,
    model: &FileModel,
    function: &Function,
) -> Result<Receiver, Refusal> {
    let language = shapes.language();
    let sep = if language == Language::Rust {
        "::"
    } else {
        "."
    };
    let Some((type_name, name)) = function.qualified_name.split_once(sep) else {
        return Err(unsupported(format!(
            "`{}` is a method of an unnamed type",
            function.qualified_name
        )));
    };
    if name.contains(sep) || type_name.is_empty() {
        return Err(unsupported(format!(
            "`{}` is not reachable from a test (nested type or function)",
            function.qualified_name
        )));
    }
    let private = match language {
        Language::Python => name.starts_with('_') || type_name.starts_with('_'),
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            name.starts_with('#') || name == "constructor"
        }
        Language::Go | Language::Rust => false,
    };
    if private {
        return Err(unsupported(format!(
            "`{}` is private or special; tests call the type's public methods",
            function.qualified_name
        )));
    }
    let header = text.get(function.range.as_usize()).unwrap_or("");
    let before = text.get(..function.range.start as usize).unwrap_or("");
    let type_name = type_name.to_owned();
    match language {
        Language::Python => {
            let decorators: Vec<&str> = before
                .lines()
                .rev()
                .take_while(|l| l.trim_start().starts_with('@') || l.trim().is_empty())
                .collect();
            if decorators
                .iter()
                .any(|d| d.contains("@staticmethod") || d.contains("@classmethod"))
            {
                return Ok(Receiver {
                    type_name,
                    construct: None,
                });
            }
            let construct = construct_with(shapes, text, model, &type_name, "__init__")?;
            Ok(Receiver {
                construct: Some(format!("{type_name}({construct})")),
                type_name,
            })
        }
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            if header.trim_start().starts_with("static ") {
                return Ok(Receiver {
                    type_name,
                    construct: None,
                });
            }
            let construct = construct_with(shapes, text, model, &type_name, "constructor")?;
            Ok(Receiver {
                construct: Some(format!("new {type_name}({construct})")),
                type_name,
            })
        }
        Language::Go => {
            // `func (c *Cart) Total()`: a pointer receiver takes `&Cart{}`.
            let receiver_part = header
                .trim_start()
                .strip_prefix("func")
                .and_then(|r| r.trim_start().strip_prefix('('))
                .and_then(|r| r.split(')').next())
                .unwrap_or("");
            let zero = if is_struct(language, text, &type_name) {
                format!("{type_name}{{}}")
            } else {
                return Err(unsupported(format!(
                    "`{}` is a method of `{type_name}`, which is not a struct; its values are not known",
                    function.qualified_name
                )));
            };
            // In parentheses: a composite literal in an `if` header must be.
            let construct = if receiver_part.contains('*') {
                format!("(&{zero})")
            } else {
                format!("({zero})")
            };
            Ok(Receiver {
                type_name,
                construct: Some(construct),
            })
        }
        Language::Rust => {
            let has_self = function.params.iter().any(|p| p.name.contains("self"));
            if !has_self {
                return Ok(Receiver {
                    type_name,
                    construct: None,
                });
            }
            // A constructor: an associated function without `self` returning the type.
            let ctor = model.functions.iter().find(|f| {
                f.qualified_name == format!("{type_name}::{}", f.name)
                    && !f.params.iter().any(|p| p.name.contains("self"))
                    && f.return_type.as_deref().is_some_and(|r| {
                        let r = r.trim();
                        r == "Self" || r == type_name
                    })
            });
            let Some(ctor) = ctor else {
                return Err(unsupported(format!(
                    "no constructor of `{type_name}` (an associated function returning it) to call `{name}` on"
                )));
            };
            let args = first_values(shapes, ctor).ok_or_else(|| {
                unsupported(format!(
                    "no values for the parameters of `{type_name}::{}`, to make a `{type_name}` to call `{name}` on",
                    ctor.name
                ))
            })?;
            Ok(Receiver {
                construct: Some(format!("{type_name}::{}({args})", ctor.name)),
                type_name,
            })
        }
    }
}

/// The arguments for the type's constructor method `ctor` (`__init__`, `constructor`), or none
/// where it has no constructor of its own.
fn construct_with(
    shapes: &Shapes,
    text: &str,
    model: &FileModel,
    type_name: &str,
    ctor: &str,
) -> Result<String, Refusal> {
    let language = shapes.language();
    let sep = if language == Language::Rust {
        "::"
    } else {
        "."
    };
    let Some(init) = model
        .functions
        .iter()
        .find(|f| f.qualified_name == format!("{type_name}{sep}{ctor}"))
    else {
        if language == Language::Python && is_dataclass(text, type_name) {
            return Err(unsupported(format!(
                "`{type_name}` is a dataclass; its fields give no values yet"
            )));
        }
        return Ok(String::new());
    };
    first_values(shapes, init).ok_or_else(|| {
        unsupported(format!(
            "no values for the parameters of `{type_name}`'s constructor, to make one to call its methods on"
        ))
    })
}

/// The first value of each parameter of `f` (without `self`), joined as arguments; `None` if a
/// parameter has none.
fn first_values(shapes: &Shapes, f: &Function) -> Option<String> {
    let target = TargetFunction {
        name: f.name.clone(),
        params: f
            .params
            .iter()
            .filter(|p| !p.name.contains("self") && p.name != "cls")
            // TypeScript parameter properties: `private n: number`.
            .map(|p| syntax::Param {
                name: p
                    .name
                    .trim_start_matches("private ")
                    .trim_start_matches("public ")
                    .trim_start_matches("readonly ")
                    .to_owned(),
                ty: p.ty.clone(),
                default: p.default.clone(),
            })
            .collect(),
        defaulted: Vec::new(),
        return_type: None,
        is_async: false,
        range: TextRange::new(0, 0),
    };
    if target.params.is_empty() {
        return Some(String::new());
    }
    let inputs = inputs::type_inputs(shapes, &target, f).ok()?;
    inputs.first().map(|i| i.args.join(", "))
}

fn is_dataclass(text: &str, type_name: &str) -> bool {
    let Some(at) = text.find(&format!("class {type_name}")) else {
        return false;
    };
    text[..at]
        .lines()
        .rev()
        .take_while(|l| l.trim_start().starts_with('@') || l.trim().is_empty())
        .any(|l| l.contains("dataclass"))
}

fn is_struct(language: Language, text: &str, type_name: &str) -> bool {
    language == Language::Go
        && (text.contains(&format!("type {type_name} struct"))
            || text.contains(&format!("{type_name} struct {{")))
}

/// `Cart` → `cart`, `HTTPServer` → `http_server`: a method's test is named after its type too.
pub(crate) fn snake(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let prev_lower = i > 0 && chars[i - 1].is_lowercase();
            if i > 0 && (prev_lower || next_lower) && !out.ends_with('_') {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(*c);
        }
    }
    out
}
