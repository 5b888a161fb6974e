//! Mapping of the spec's JSON schemas to Rust types: the intermediate model the emitters read.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::naming::{field_ident, pascal, serde_name, variant};
use super::spec::Spec;

/// A Rust type as a field, item or variant holds it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Ty {
    Str,
    Bool,
    Int,
    Number,
    /// Untyped JSON (the fallback when a schema has no usable type).
    Value,
    /// A free-form JSON object.
    Object,
    Map(Box<Ty>),
    Vec(Box<Ty>),
    /// A nullable item inside an array or map.
    Opt(Box<Ty>),
    Named(String),
}

impl Ty {
    /// The type as Rust source.
    pub(crate) fn rust(&self) -> String {
        self.rust_in("")
    }

    /// The type as Rust source, with named types behind a module prefix (`models::`).
    pub(crate) fn rust_in(&self, prefix: &str) -> String {
        match self {
            Ty::Str => "String".to_owned(),
            Ty::Bool => "bool".to_owned(),
            Ty::Int => "i64".to_owned(),
            Ty::Number => "serde_json::Number".to_owned(),
            Ty::Value => "serde_json::Value".to_owned(),
            Ty::Object => "serde_json::Map<String, serde_json::Value>".to_owned(),
            Ty::Map(t) => format!("std::collections::BTreeMap<String, {}>", t.rust_in(prefix)),
            Ty::Vec(t) => format!("Vec<{}>", t.rust_in(prefix)),
            Ty::Opt(t) => format!("Option<{}>", t.rust_in(prefix)),
            Ty::Named(n) => format!("{prefix}{n}"),
        }
    }

    /// The named type this one holds by value (not behind a `Vec` or map), if any.
    fn by_value(&self) -> Option<&str> {
        match self {
            Ty::Named(n) => Some(n),
            Ty::Opt(t) => t.by_value(),
            _ => None,
        }
    }

    /// Whether `Default` exists for this type.
    pub(crate) fn has_default(&self) -> bool {
        !matches!(self, Ty::Number)
    }
}

/// One property of a struct.
#[derive(Clone, Debug)]
pub(crate) struct Field {
    pub(crate) json: String,
    pub(crate) ident: String,
    pub(crate) ty: Ty,
    pub(crate) required: bool,
    pub(crate) nullable: bool,
    pub(crate) boxed: bool,
}

/// What a named type is.
#[derive(Clone, Debug)]
pub(crate) enum Def {
    Struct(Vec<Field>),
    /// An open string enum (known values plus `Unknown(String)`).
    Enum(Vec<String>),
    /// An untagged union with a final `Other(serde_json::Value)` arm: (variant, type, boxed).
    Union(Vec<(String, Ty, bool)>),
    Alias(Ty),
}

/// A named type to emit.
#[derive(Clone, Debug)]
pub(crate) struct Model {
    /// The component schema it comes from, or the component it was found inside.
    pub(crate) origin: String,
    /// Whether it is a component schema itself (not an inline type).
    pub(crate) component: bool,
    pub(crate) def: Def,
}

/// The Rust types of one operation's JSON bodies.
#[derive(Clone, Debug, Default)]
pub(crate) struct OpTypes {
    /// The success response body, when it is JSON with a schema.
    pub(crate) response: Option<Ty>,
    /// The request body (JSON or multipart) and whether the spec marks it required.
    pub(crate) body: Option<(Ty, bool)>,
}

/// Counts reported by `cargo xtask codegen`.
#[derive(Default, Debug)]
pub(crate) struct Stats {
    /// Places where a schema could not be typed and `serde_json::Value` stands instead.
    pub(crate) value_fallbacks: Vec<String>,
}

/// The type registry built from the spec.
pub(crate) struct Types<'a> {
    spec: &'a Spec,
    pub(crate) models: BTreeMap<String, Model>,
    taken: BTreeSet<String>,
    origin: String,
    pub(crate) stats: Stats,
    /// Per operation id.
    pub(crate) ops: BTreeMap<String, OpTypes>,
}

/// Names our generated modules use that a schema must not shadow.
const RESERVED: &[&str] = &[
    "Option", "Result", "String", "Vec", "Box", "Nullable", "Default", "Some", "None", "Ok", "Err",
    "Self",
];

impl<'a> Types<'a> {
    /// Maps every component schema of the spec.
    pub(crate) fn build(spec: &'a Spec) -> Result<Self, String> {
        let mut types = Types {
            spec,
            models: BTreeMap::new(),
            taken: BTreeSet::new(),
            origin: String::new(),
            stats: Stats::default(),
            ops: BTreeMap::new(),
        };
        for name in spec.schemas().keys() {
            let rust = pascal(name);
            if RESERVED.contains(&rust.as_str()) || !types.taken.insert(rust.clone()) {
                return Err(format!("schema name {name} collides after conversion"));
            }
        }
        for (name, schema) in spec.schemas() {
            let rust = pascal(name);
            types.origin.clone_from(&rust);
            let (ty, _) = types.resolve(schema, &rust, true);
            if ty != Ty::Named(rust.clone()) {
                types.insert(&rust, true, Def::Alias(ty));
            } else if let Some(model) = types.models.get_mut(&rust) {
                model.component = true;
            }
        }
        for op in spec.operations() {
            let base = pascal(op.id());
            types.origin.clone_from(&base);
            let mut op_types = OpTypes::default();
            if let Some((_, Some(schema))) = op.success() {
                let (ty, _) = types.resolve(schema, &format!("{base}Response"), false);
                op_types.response = Some(ty);
            }
            if let Some((_, schema, required)) = op.body() {
                let (ty, _) = types.resolve(schema, &format!("{base}Body"), false);
                op_types.body = Some((ty, required));
            }
            types.ops.insert(op.id().to_owned(), op_types);
        }
        types.box_cycles();
        Ok(types)
    }

    /// The corrections the spec got on load.
    pub(crate) fn spec_overrides(&self) -> &[String] {
        &self.spec.overrides
    }

    /// Every type a response body can contain (their required fields are read leniently).
    pub(crate) fn response_side(&self) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<String> = Vec::new();
        for op in self.ops.values() {
            if let Some(ty) = &op.response {
                named_in(ty, &mut stack);
            }
        }
        while let Some(n) = stack.pop() {
            if !seen.insert(n.clone()) {
                continue;
            }
            match self.models.get(&n).map(|m| &m.def) {
                Some(Def::Struct(fields)) => {
                    fields.iter().for_each(|f| named_in(&f.ty, &mut stack))
                }
                Some(Def::Union(arms)) => arms.iter().for_each(|(_, t, _)| named_in(t, &mut stack)),
                Some(Def::Alias(t)) => named_in(t, &mut stack),
                _ => {}
            }
        }
        seen
    }

    fn insert(&mut self, name: &str, component: bool, def: Def) {
        self.models.insert(
            name.to_owned(),
            Model {
                origin: self.origin.clone(),
                component,
                def,
            },
        );
    }

    /// A fresh type name for an inline schema (or the component's own name).
    fn claim(&mut self, hint: &str, own: bool) -> String {
        if own {
            return hint.to_owned();
        }
        if self.taken.insert(hint.to_owned()) {
            return hint.to_owned();
        }
        for i in 2.. {
            let candidate = format!("{hint}{i}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
        unreachable!("an unbounded range always yields a free name")
    }

    fn fallback(&mut self, hint: &str, why: &str) -> Ty {
        self.stats.value_fallbacks.push(format!("{hint}: {why}"));
        Ty::Value
    }

    /// Whether a schema allows `null` (looking through references and single-part wrappers).
    fn nullable(&self, s: &Value, depth: u8) -> bool {
        if depth > 8 {
            return false;
        }
        if let Some(target) = s.get("$ref").and_then(Value::as_str) {
            return self
                .spec
                .resolve_ref(target)
                .is_some_and(|t| self.nullable(t, depth + 1));
        }
        if let Some(Value::Array(types)) = s.get("type") {
            if types.iter().any(|t| t == "null") {
                return true;
            }
        }
        if s.get("enum")
            .and_then(Value::as_array)
            .is_some_and(|v| v.iter().any(Value::is_null))
        {
            return true;
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(parts) = s.get(key).and_then(Value::as_array) {
                if parts
                    .iter()
                    .any(|p| is_null_schema(p) || self.nullable(p, depth + 1))
                {
                    return true;
                }
            }
        }
        false
    }

    /// The broad JSON kind of a schema without creating types: "string", "object", …
    fn kind(&self, s: &Value, depth: u8) -> &'static str {
        if depth > 8 {
            return "any";
        }
        if let Some(target) = s.get("$ref").and_then(Value::as_str) {
            return self
                .spec
                .resolve_ref(target)
                .map_or("any", |t| self.kind(t, depth + 1));
        }
        match s.get("type") {
            Some(Value::String(t)) => return json_kind(t),
            Some(Value::Array(types)) => {
                let non_null: Vec<&str> = types
                    .iter()
                    .filter_map(Value::as_str)
                    .filter(|t| *t != "null")
                    .collect();
                if let [one] = non_null.as_slice() {
                    return json_kind(one);
                }
                return "any";
            }
            _ => {}
        }
        if let Some(values) = s.get("enum").and_then(Value::as_array) {
            if values.iter().all(|v| v.is_string() || v.is_null()) {
                return "string";
            }
        }
        if s.get("properties").is_some() {
            return "object";
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(parts) = s.get(key).and_then(Value::as_array) {
                let kinds: BTreeSet<&str> = parts
                    .iter()
                    .filter(|p| !is_null_schema(p) && is_substantive(p))
                    .map(|p| self.kind(p, depth + 1))
                    .collect();
                if kinds.len() == 1 {
                    return kinds.into_iter().next().unwrap_or("any");
                }
                return "any";
            }
        }
        "any"
    }

    /// The Rust type of a schema and whether it is nullable. `hint` names any type that has
    /// to be created for it; `own` says the hint is the component's own (already reserved) name.
    pub(crate) fn resolve(&mut self, s: &Value, hint: &str, own: bool) -> (Ty, bool) {
        let nullable = self.nullable(s, 0);
        (self.resolve_inner(s, hint, own), nullable)
    }

    fn resolve_inner(&mut self, s: &Value, hint: &str, own: bool) -> Ty {
        if let Some(target) = s.get("$ref").and_then(Value::as_str) {
            return match target.strip_prefix("#/components/schemas/") {
                Some(name) if self.spec.schemas().contains_key(name) => Ty::Named(pascal(name)),
                _ => self.fallback(hint, "unresolvable $ref"),
            };
        }
        if let Some(c) = s.get("const") {
            return match c {
                Value::String(_) => Ty::Str,
                Value::Bool(_) => Ty::Bool,
                Value::Number(n) if n.is_i64() || n.is_u64() => Ty::Int,
                Value::Number(_) => Ty::Number,
                _ => self.fallback(hint, "const that is not a scalar"),
            };
        }
        if let Some(parts) = s.get("allOf").and_then(Value::as_array) {
            return self.all_of(s, parts, hint, own);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(parts) = s.get(key).and_then(Value::as_array) {
                return self.one_of(s, parts, hint, own);
            }
        }
        if let Some(values) = s.get("enum").and_then(Value::as_array) {
            let strings: Vec<String> = values
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            let non_null = values.iter().filter(|v| !v.is_null()).count();
            if !strings.is_empty() && strings.len() == non_null {
                let name = self.claim(hint, own);
                self.insert(&name, own, Def::Enum(strings));
                return Ty::Named(name);
            }
        }
        let types: Vec<&str> = match s.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .collect(),
            _ => Vec::new(),
        };
        match types.as_slice() {
            ["string"] => Ty::Str,
            ["boolean"] => Ty::Bool,
            ["integer"] => Ty::Int,
            ["number"] => Ty::Number,
            ["array"] => self.array(s, hint),
            ["object"] => self.object(s, hint, own),
            [] if s.get("properties").is_some() => self.object(s, hint, own),
            [] => Ty::Value,
            _ => self.fallback(hint, "several JSON types"),
        }
    }

    fn array(&mut self, s: &Value, hint: &str) -> Ty {
        match s.get("items") {
            Some(items) => {
                let (ty, nullable) = self.resolve(items, &format!("{hint}Item"), false);
                Ty::Vec(Box::new(if nullable { Ty::Opt(Box::new(ty)) } else { ty }))
            }
            None => Ty::Vec(Box::new(Ty::Value)),
        }
    }

    fn object(&mut self, s: &Value, hint: &str, own: bool) -> Ty {
        let empty = Map::new();
        let props = s
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        if props.is_empty() {
            return match s.get("additionalProperties") {
                Some(ap @ Value::Object(_)) if is_substantive(ap) => {
                    let (ty, nullable) = self.resolve(ap, &format!("{hint}Value"), false);
                    if ty == Ty::Value && !nullable {
                        Ty::Object
                    } else {
                        Ty::Map(Box::new(if nullable { Ty::Opt(Box::new(ty)) } else { ty }))
                    }
                }
                _ => Ty::Object,
            };
        }
        let required = required_set(s);
        let name = self.claim(hint, own);
        // Reserve the name before the fields so inline children get distinct names.
        self.insert(&name, own, Def::Struct(Vec::new()));
        let fields = self.fields(&name, props.iter(), &required);
        self.insert(&name, own, Def::Struct(fields));
        Ty::Named(name)
    }

    fn fields<'p>(
        &mut self,
        owner: &str,
        props: impl Iterator<Item = (&'p String, &'p Value)>,
        required: &BTreeSet<String>,
    ) -> Vec<Field> {
        let mut fields = Vec::new();
        let mut idents = BTreeSet::new();
        idents.insert("extra".to_owned());
        for (json, schema) in props {
            let (ty, nullable) = self.resolve(schema, &format!("{owner}{}", pascal(json)), false);
            let mut ident = field_ident(json);
            while !idents.insert(serde_name(&ident).to_owned()) {
                ident.push('_');
            }
            fields.push(Field {
                json: json.clone(),
                ident,
                ty,
                required: required.contains(json),
                nullable,
                boxed: false,
            });
        }
        fields
    }

    fn all_of(&mut self, s: &Value, parts: &[Value], hint: &str, own: bool) -> Ty {
        let substantive: Vec<&Value> = parts.iter().filter(|p| is_substantive(p)).collect();
        let own_props = s.get("properties").and_then(Value::as_object);
        if own_props.is_none() {
            if let [one] = substantive.as_slice() {
                let one = (*one).clone();
                return self.resolve_inner(&one, hint, own);
            }
            if substantive.iter().all(|p| self.kind(p, 0) != "object") {
                let first = substantive
                    .iter()
                    .find(|p| p.get("$ref").is_some())
                    .or_else(|| substantive.first())
                    .map(|p| (*p).clone());
                return match first {
                    Some(p) => self.resolve_inner(&p, hint, own),
                    None => Ty::Value,
                };
            }
        }
        // Merge the properties of every object part into one struct.
        let mut props: BTreeMap<String, Value> = BTreeMap::new();
        let mut required = required_set(s);
        let mut ok = true;
        if let Some(own_props) = own_props {
            props.extend(own_props.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        for part in substantive {
            ok &= self.collect_props(part, &mut props, &mut required, 0);
        }
        if !ok || props.is_empty() {
            return self.fallback(hint, "allOf that is not a merge of objects");
        }
        let name = self.claim(hint, own);
        self.insert(&name, own, Def::Struct(Vec::new()));
        let fields = self.fields(&name, props.iter(), &required);
        self.insert(&name, own, Def::Struct(fields));
        Ty::Named(name)
    }

    fn collect_props(
        &self,
        s: &Value,
        props: &mut BTreeMap<String, Value>,
        required: &mut BTreeSet<String>,
        depth: u8,
    ) -> bool {
        if depth > 8 {
            return false;
        }
        if let Some(target) = s.get("$ref").and_then(Value::as_str) {
            return match self.spec.resolve_ref(target) {
                Some(t) => self.collect_props(t, props, required, depth + 1),
                None => false,
            };
        }
        if s.get("oneOf").is_some() || s.get("anyOf").is_some() {
            return false;
        }
        let mut found = false;
        if let Some(p) = s.get("properties").and_then(Value::as_object) {
            for (k, v) in p {
                props.entry(k.clone()).or_insert_with(|| v.clone());
            }
            required.extend(required_set(s));
            found = true;
        }
        if let Some(parts) = s.get("allOf").and_then(Value::as_array) {
            for part in parts.iter().filter(|p| is_substantive(p)) {
                if !self.collect_props(part, props, required, depth + 1) {
                    return false;
                }
            }
            found = true;
        }
        found || self.kind(s, 0) == "object"
    }

    fn one_of(&mut self, s: &Value, parts: &[Value], hint: &str, own: bool) -> Ty {
        let variants: Vec<Value> = parts
            .iter()
            .filter(|p| !is_null_schema(p))
            .cloned()
            .collect();
        let outer_string = s.get("type").and_then(Value::as_str) == Some("string");
        if variants.is_empty() {
            return Ty::Value;
        }
        if outer_string || variants.iter().all(|v| self.kind(v, 0) == "string") {
            // Every arm is a string (formats, patterns, enums): a plain string keeps them all.
            if let [one] = variants.as_slice() {
                if one.get("$ref").is_some() {
                    return self.resolve_inner(one, hint, own);
                }
            }
            return Ty::Str;
        }
        if let [one] = variants.as_slice() {
            return self.resolve_inner(one, hint, own);
        }
        let name = self.claim(hint, own);
        self.insert(&name, own, Def::Union(Vec::new()));
        let mut arms: Vec<(String, Ty, bool)> = Vec::new();
        let mut used = BTreeSet::new();
        used.insert("Other".to_owned());
        for (i, v) in variants.iter().enumerate() {
            let (ty, _) = self.resolve(v, &format!("{name}{}", i + 1), false);
            if arms.iter().any(|(_, t, _)| *t == ty) {
                continue;
            }
            let base = arm_name(&name, &ty);
            let mut arm = base.clone();
            let mut n = 2;
            while !used.insert(arm.clone()) {
                arm = format!("{base}{n}");
                n += 1;
            }
            arms.push((arm, ty, false));
        }
        // Most specific object arms first: untagged deserialisation takes the first that fits.
        arms.sort_by_key(|(_, ty, _)| std::cmp::Reverse(self.required_count(ty)));
        self.insert(&name, own, Def::Union(arms));
        Ty::Named(name)
    }

    fn required_count(&self, ty: &Ty) -> usize {
        match ty {
            Ty::Named(n) => match self.models.get(n).map(|m| &m.def) {
                Some(Def::Struct(fields)) => fields.iter().filter(|f| f.required).count(),
                Some(Def::Alias(t)) => self.required_count(t),
                _ => 0,
            },
            _ => 0,
        }
    }

    /// Boxes every by-value field or union arm that closes a cycle of by-value containment.
    fn box_cycles(&mut self) {
        let mut edges: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, model) in &self.models {
            let targets: Vec<String> = match &model.def {
                Def::Struct(fields) => fields
                    .iter()
                    .filter_map(|f| f.ty.by_value().map(str::to_owned))
                    .collect(),
                Def::Union(arms) => arms
                    .iter()
                    .filter_map(|(_, t, _)| t.by_value().map(str::to_owned))
                    .collect(),
                Def::Alias(t) => t.by_value().map(str::to_owned).into_iter().collect(),
                Def::Enum(_) => Vec::new(),
            };
            edges.insert(name.clone(), targets);
        }
        let reaches = |from: &str, to: &str| -> bool {
            let mut seen = BTreeSet::new();
            let mut stack = vec![from.to_owned()];
            while let Some(n) = stack.pop() {
                if n == to {
                    return true;
                }
                if seen.insert(n.clone()) {
                    if let Some(next) = edges.get(&n) {
                        stack.extend(next.iter().cloned());
                    }
                }
            }
            false
        };
        let mut boxes: Vec<(String, usize)> = Vec::new();
        for (name, model) in &self.models {
            match &model.def {
                Def::Struct(fields) => {
                    for (i, f) in fields.iter().enumerate() {
                        if f.ty.by_value().is_some_and(|t| reaches(t, name)) {
                            boxes.push((name.clone(), i));
                        }
                    }
                }
                Def::Union(arms) => {
                    for (i, (_, t, _)) in arms.iter().enumerate() {
                        if t.by_value().is_some_and(|t| reaches(t, name)) {
                            boxes.push((name.clone(), i));
                        }
                    }
                }
                _ => {}
            }
        }
        for (name, i) in boxes {
            if let Some(model) = self.models.get_mut(&name) {
                match &mut model.def {
                    Def::Struct(fields) => fields[i].boxed = true,
                    Def::Union(arms) => arms[i].2 = true,
                    _ => {}
                }
            }
        }
    }
}

fn named_in(ty: &Ty, out: &mut Vec<String>) {
    match ty {
        Ty::Named(n) => out.push(n.clone()),
        Ty::Map(t) | Ty::Vec(t) | Ty::Opt(t) => named_in(t, out),
        _ => {}
    }
}

fn arm_name(union: &str, ty: &Ty) -> String {
    match ty {
        Ty::Named(n) => {
            let short = n.strip_prefix(union).unwrap_or(n);
            if short.is_empty() || short.starts_with(|c: char| c.is_ascii_digit()) {
                n.clone()
            } else {
                short.to_owned()
            }
        }
        Ty::Str => "String".to_owned(),
        Ty::Bool => "Bool".to_owned(),
        Ty::Int => "Integer".to_owned(),
        Ty::Number => "Number".to_owned(),
        Ty::Vec(_) => "Array".to_owned(),
        Ty::Map(_) | Ty::Object => "Object".to_owned(),
        Ty::Opt(_) | Ty::Value => "Value".to_owned(),
    }
}

fn json_kind(t: &str) -> &'static str {
    match t {
        "string" => "string",
        "object" => "object",
        "array" => "array",
        "boolean" => "boolean",
        "integer" | "number" => "number",
        _ => "any",
    }
}

fn is_null_schema(s: &Value) -> bool {
    s.get("type").and_then(Value::as_str) == Some("null")
}

/// Whether a schema part says anything about the type (not just constraints or prose).
fn is_substantive(s: &Value) -> bool {
    [
        "$ref",
        "type",
        "properties",
        "oneOf",
        "anyOf",
        "allOf",
        "enum",
        "const",
        "items",
    ]
    .iter()
    .any(|k| s.get(k).is_some())
}

fn required_set(s: &Value) -> BTreeSet<String> {
    s.get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Variant names for the values of an open enum (duplicates dropped, names made unique).
pub(crate) fn enum_variants(values: &[String]) -> Vec<(String, String)> {
    let mut used = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for v in values {
        if !seen.insert(v.clone()) {
            continue;
        }
        let base = variant(v);
        let mut name = base.clone();
        let mut n = 2;
        while !used.insert(name.clone()) {
            name = format!("{base}{n}");
            n += 1;
        }
        out.push((name, v.clone()));
    }
    out
}
