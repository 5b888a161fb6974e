//! Reading the go-auth0 go-vcr cassettes of `tests/data/go-auth0/` (see the SOURCE.md there)
//! and comparing JSON documents; shared by `recorded_models.rs` and `replay.rs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

/// One go-vcr (format version 2) file.
#[derive(Deserialize)]
pub(crate) struct Cassette {
    #[serde(default)]
    pub(crate) interactions: Vec<Interaction>,
}

/// One recorded request and its response.
#[derive(Deserialize)]
pub(crate) struct Interaction {
    #[serde(default)]
    pub(crate) id: u64,
    pub(crate) request: Request,
    pub(crate) response: Response,
}

/// The request as the Go SDK sent it.
#[derive(Deserialize)]
pub(crate) struct Request {
    pub(crate) url: String,
    pub(crate) method: String,
    #[serde(default)]
    pub(crate) body: String,
    #[serde(default)]
    pub(crate) headers: BTreeMap<String, Vec<String>>,
}

/// The response Auth0 sent.
#[derive(Deserialize)]
pub(crate) struct Response {
    #[serde(default)]
    pub(crate) body: String,
    pub(crate) code: u16,
    #[serde(default)]
    pub(crate) headers: BTreeMap<String, Vec<String>>,
}

/// Most cassette files the walk reads (there are 537); a bound, not an expectation.
const MAX_FILES: usize = 5_000;

/// The recordings directory.
pub(crate) fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/go-auth0")
}

/// Every `.yaml` file under `dir`, sorted, depth first.
pub(crate) fn cassettes(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("recordings directory is readable")
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if out.len() >= MAX_FILES {
            return;
        }
        if path.is_dir() {
            cassettes(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            out.push(path);
        }
    }
}

/// Every cassette, with its path relative to [`root`].
pub(crate) fn load_all() -> Vec<(String, Cassette)> {
    let root = root();
    let mut files = Vec::new();
    cassettes(&root, &mut files);
    assert!(
        files.len() > 500,
        "expected the go-auth0 cassettes, found {}",
        files.len()
    );
    files
        .iter()
        .map(|file| {
            let text = std::fs::read_to_string(file).expect("cassette is readable");
            let cassette: Cassette = serde_norway::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: not a go-vcr cassette: {e}", file.display()));
            let name = file
                .strip_prefix(&root)
                .unwrap_or(file)
                .display()
                .to_string();
            (name, cassette)
        })
        .collect()
}

/// The first place two JSON values differ, as a JSON pointer with both sides.
pub(crate) fn first_difference(recorded: &Value, back: &Value, at: &str) -> Option<String> {
    match (recorded, back) {
        (Value::Object(left), Value::Object(right)) => {
            for key in left.keys().chain(right.keys()) {
                let here = format!("{at}/{key}");
                match (left.get(key), right.get(key)) {
                    (Some(l), Some(r)) => {
                        if let Some(diff) = first_difference(l, r, &here) {
                            return Some(diff);
                        }
                    }
                    (l, r) => return Some(format!("{here}: recorded {l:?}, re-serialised {r:?}")),
                }
            }
            None
        }
        (Value::Array(left), Value::Array(right)) if left.len() == right.len() => left
            .iter()
            .zip(right)
            .enumerate()
            .find_map(|(i, (l, r))| first_difference(l, r, &format!("{at}/{i}"))),
        _ if recorded == back => None,
        _ => Some(format!("{at}: recorded {recorded}, re-serialised {back}")),
    }
}

/// Whether `path` fits the path template `template` (`/users/{id}/roles`): the number of
/// literal segments matched (more is a closer fit) and the raw parameter segments in
/// template order; `None` when it does not fit or a parameter segment is empty.
pub(crate) fn match_template<'p>(template: &str, path: &'p str) -> Option<(usize, Vec<&'p str>)> {
    let parts: Vec<&str> = template.trim_matches('/').split('/').collect();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut literal = 0;
    let mut params = Vec::new();
    for (part, segment) in parts.iter().zip(segments) {
        if part.starts_with('{') {
            if segment.is_empty() {
                return None;
            }
            params.push(segment);
        } else if *part == segment {
            literal += 1;
        } else {
            return None;
        }
    }
    Some((literal, params))
}
