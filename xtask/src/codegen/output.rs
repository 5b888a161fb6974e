//! Formatting the emitted source and writing (or checking) the generated files.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Formats Rust source with the workspace's `rustfmt`.
pub(crate) fn rustfmt(source: &str, root: &Path) -> Result<String, String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .current_dir(root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start rustfmt: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("rustfmt has no stdin")?;
    let text = source.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child
        .wait_with_output()
        .map_err(|e| format!("rustfmt failed: {e}"))?;
    writer
        .join()
        .map_err(|_| "rustfmt writer panicked".to_owned())?
        .map_err(|e| format!("could not feed rustfmt: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "rustfmt rejected generated code: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("rustfmt output: {e}"))
}

/// A directory whose generated files are replaced as a whole.
pub(crate) struct OutDir {
    pub(crate) dir: PathBuf,
    /// Files in `dir` that are hand-written and must be left alone.
    pub(crate) keep: &'static [&'static str],
    pub(crate) files: Vec<(String, String)>,
}

/// Writes the files (removing stale generated ones) or, with `check`, lists the differences.
pub(crate) fn sync(out: &OutDir, check: bool) -> Result<Vec<String>, String> {
    let mut drift = Vec::new();
    let wanted: BTreeSet<&str> = out.files.iter().map(|(n, _)| n.as_str()).collect();
    if !check {
        std::fs::create_dir_all(&out.dir)
            .map_err(|e| format!("cannot create {}: {e}", out.dir.display()))?;
    }
    for (name, text) in &out.files {
        let path = out.dir.join(name);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() != Some(text.as_str()) {
            drift.push(path.display().to_string());
            if !check {
                std::fs::write(&path, text)
                    .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(&out.dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".rs")
                && !wanted.contains(name.as_str())
                && !out.keep.contains(&name.as_str())
            {
                drift.push(format!("{} (stale)", entry.path().display()));
                if !check {
                    std::fs::remove_file(entry.path())
                        .map_err(|e| format!("cannot remove {}: {e}", entry.path().display()))?;
                }
            }
        }
    }
    Ok(drift)
}
