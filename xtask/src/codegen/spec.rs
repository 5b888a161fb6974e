//! Loading the vendored OpenAPI document and walking its operations.

use std::path::Path;

use serde_json::{Map, Value};

/// The Management API spec.
pub(crate) struct Spec {
    root: Value,
    empty: Map<String, Value>,
    /// The corrections applied on load (see `overrides`).
    pub(crate) overrides: Vec<String>,
}

/// One operation of the spec.
pub(crate) struct Operation<'a> {
    pub(crate) path: &'a str,
    /// Lower-case HTTP method (`get`, `post`, …).
    pub(crate) method: &'a str,
    pub(crate) op: &'a Value,
}

impl<'a> Operation<'a> {
    pub(crate) fn id(&self) -> &'a str {
        self.op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// `x-operation-group` as a list (a single string becomes a one-element list).
    pub(crate) fn group(&self) -> Vec<&'a str> {
        match self.op.get("x-operation-group") {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    pub(crate) fn name(&self) -> &'a str {
        self.op
            .get("x-operation-name")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    pub(crate) fn summary(&self) -> &'a str {
        self.op
            .get("summary")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    pub(crate) fn tag(&self) -> &'a str {
        self.op
            .get("tags")
            .and_then(Value::as_array)
            .and_then(|t| t.first())
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Scopes from the `oAuth2ClientCredentials` security requirement.
    pub(crate) fn scopes(&self) -> Vec<&'a str> {
        let mut out = Vec::new();
        for req in self
            .op
            .get("security")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(scopes) = req.get("oAuth2ClientCredentials").and_then(Value::as_array) {
                out.extend(scopes.iter().filter_map(Value::as_str));
            }
        }
        out
    }

    pub(crate) fn parameters(&self) -> &'a [Value] {
        self.op
            .get("parameters")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }

    /// The success response: (status, JSON schema if the body is JSON).
    pub(crate) fn success(&self) -> Option<(&'a str, Option<&'a Value>)> {
        let responses = self.op.get("responses")?.as_object()?;
        let (code, resp) = responses.iter().find(|(c, _)| c.starts_with('2'))?;
        let schema = resp
            .get("content")
            .and_then(|c| c.get("application/json"))
            .and_then(|c| c.get("schema"));
        Some((code.as_str(), schema))
    }

    /// Whether the success response's body was added by `overrides` (the spec declares none,
    /// so Auth0 may still send none).
    pub(crate) fn undeclared_body(&self) -> bool {
        self.op
            .get("responses")
            .and_then(Value::as_object)
            .and_then(|r| r.iter().find(|(c, _)| c.starts_with('2')))
            .and_then(|(_, r)| r.get(super::overrides::UNDECLARED))
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// The request body: (content type, schema, required).
    pub(crate) fn body(&self) -> Option<(&'a str, &'a Value, bool)> {
        let body = self.op.get("requestBody")?;
        let content = body.get("content")?.as_object()?;
        let required = body
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let (ct, media) = content
            .get_key_value("application/json")
            .or_else(|| content.iter().next())?;
        Some((ct.as_str(), media.get("schema")?, required))
    }
}

impl Spec {
    pub(crate) fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut root: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let overrides = super::overrides::apply(&mut root)?;
        Ok(Spec {
            root,
            empty: Map::new(),
            overrides,
        })
    }

    pub(crate) fn schemas(&self) -> &Map<String, Value> {
        self.root
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or(&self.empty)
    }

    /// The schema a `#/components/schemas/…` reference points at.
    pub(crate) fn resolve_ref(&self, target: &str) -> Option<&Value> {
        let name = target.strip_prefix("#/components/schemas/")?;
        self.schemas().get(name)
    }

    /// Every operation, in path then method order.
    pub(crate) fn operations(&self) -> Vec<Operation<'_>> {
        let mut out = Vec::new();
        if let Some(paths) = self.root.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                if let Some(item) = item.as_object() {
                    for (method, op) in item {
                        if matches!(
                            method.as_str(),
                            "get" | "post" | "put" | "patch" | "delete" | "head" | "options"
                        ) {
                            out.push(Operation {
                                path: path.as_str(),
                                method: method.as_str(),
                                op,
                            });
                        }
                    }
                }
            }
        }
        out
    }
}
