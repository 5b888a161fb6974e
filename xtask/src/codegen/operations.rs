//! Emission of the operation methods (`auth0_management::generated`).

use super::spec::Spec;
use super::types::Types;

/// The generated operation files.
pub(crate) struct Generated {
    files: Vec<(String, String)>,
    count: usize,
}

impl Generated {
    pub(crate) fn build(_spec: &Spec, _types: &Types<'_>) -> Result<Self, String> {
        Ok(Generated {
            files: Vec::new(),
            count: 0,
        })
    }

    pub(crate) fn emit(&self) -> Vec<(String, String)> {
        self.files.clone()
    }

    pub(crate) fn count(&self) -> usize {
        self.count
    }
}

/// Number of entries in the generated `OPERATIONS` table.
pub(crate) fn count_table_entries(table: &str) -> usize {
    table.matches("OperationInfo {").count()
}

/// The test-side table of `tests/recorded_models.rs`: every operation's method and path
/// template, and a round trip through its typed response model.
pub(crate) fn emit_test_dispatch(spec: &Spec, types: &Types<'_>) -> Vec<(String, String)> {
    use std::fmt::Write as _;
    let mut out = String::from(super::models::HEADER);
    out.push_str(
        "//! Operation table and typed round trip used by `recorded_models.rs`.\n\nuse auth0_core::management::*;\n\n/// (method, path template, operation id, response status, has a typed JSON response).\npub(crate) const OPERATIONS: &[(&str, &str, &str, &str, bool)] = &[\n",
    );
    for op in spec.operations() {
        let status = op.success().map_or("", |(s, _)| s);
        let typed = types.ops.get(op.id()).is_some_and(|t| t.response.is_some());
        let _ = writeln!(
            out,
            "({:?}, {:?}, {:?}, {:?}, {typed}),",
            op.method.to_uppercase(),
            op.path,
            op.id(),
            status
        );
    }
    out.push_str("];\n\n/// Parses `body` into the response model of `operation_id` and serialises it back.\n/// `None` when the operation has no typed JSON response.\npub(crate) fn roundtrip(operation_id: &str, body: &str) -> Option<Result<serde_json::Value, String>> {\nmatch operation_id {\n");
    for (id, op_types) in &types.ops {
        if let Some(ty) = &op_types.response {
            let _ = writeln!(out, "{id:?} => Some(rt::<{}>(body)),", ty.rust());
        }
    }
    out.push_str("_ => None,\n}\n}\n\nfn rt<T: serde::de::DeserializeOwned + serde::Serialize>(body: &str) -> Result<serde_json::Value, String> {\nlet typed: T = serde_json::from_str(body).map_err(|e| format!(\"parse: {e}\"))?;\nserde_json::to_value(&typed).map_err(|e| format!(\"serialise: {e}\"))\n}\n");
    vec![("response_types.rs".to_owned(), out)]
}
