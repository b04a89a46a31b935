//! The `testlens` settings: from `testlens.toml` at the workspace root, then the client's
//! `initializationOptions`, then `workspace/configuration` (section `testlens`), each overriding
//! what the one before set. See docs/settings.md.

use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct Settings {
    /// The history file; relative paths are taken from the workspace root.
    pub database: Option<PathBuf>,
    pub hints: Hints,
    pub risk: RiskSettings,
    pub flaky: FlakySettings,
    pub generate: GenerateSettings,
    /// Applied at start through `TESTLENS_LOG` (clients set it); kept here to be read back.
    pub log_level: Option<String>,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default)]
pub struct Hints {
    pub complexity: bool,
    pub coverage: bool,
    pub risk: bool,
}

impl Default for Hints {
    fn default() -> Hints {
        Hints {
            complexity: true,
            coverage: true,
            risk: true,
        }
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default)]
pub struct RiskSettings {
    /// Risk hints are shown at or above this score (0 to 1).
    pub threshold: f64,
}

impl Default for RiskSettings {
    fn default() -> RiskSettings {
        RiskSettings { threshold: 0.5 }
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct FlakySettings {
    /// Recent runs the flaky rule looks at.
    pub window: usize,
    /// Runs with one outcome since the last flip after which a test is no longer flaky.
    pub stable_runs: usize,
}

impl Default for FlakySettings {
    fn default() -> FlakySettings {
        FlakySettings {
            window: 30,
            stable_runs: 30,
        }
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(default)]
pub struct GenerateSettings {
    /// Seconds a runner may take when recording a generated test, before it is stopped.
    pub timeout: f64,
}

impl Default for GenerateSettings {
    fn default() -> GenerateSettings {
        GenerateSettings { timeout: 60.0 }
    }
}

impl Settings {
    /// Overrides what `value` sets (a JSON object; `null` members are ignored).
    pub fn merge(&mut self, value: &serde_json::Value) {
        let mut base = serde_json::to_value(SettingsJson::from(&*self)).unwrap_or_default();
        merge_json(&mut base, value);
        match serde_json::from_value::<Settings>(base) {
            Ok(merged) => *self = merged,
            Err(e) => tracing::warn!("ignoring testlens settings that do not fit: {e}"),
        }
    }

    /// Reads `testlens.toml` at `root`, if there is one.
    pub fn from_toml(root: &Path) -> Settings {
        let path = root.join("testlens.toml");
        let mut settings = Settings::default();
        let Ok(text) = std::fs::read_to_string(&path) else {
            return settings;
        };
        match toml::from_str::<serde_json::Value>(&text) {
            Ok(value) => {
                tracing::info!(path = %path.display(), "read settings");
                settings.merge(&value);
            }
            Err(e) => tracing::warn!(path = %path.display(), "ignoring testlens.toml: {e}"),
        }
        settings
    }

    pub fn history_config(&self) -> ide::HistoryConfig {
        ide::HistoryConfig {
            flaky_window: self.flaky.window.max(1),
            stable_runs: self.flaky.stable_runs.max(1),
            ..ide::HistoryConfig::default()
        }
    }

    pub fn hints_shown(&self) -> ide::HintsShown {
        ide::HintsShown {
            complexity: self.hints.complexity,
            coverage: self.hints.coverage,
            risk: self.hints.risk,
            risk_threshold: self.risk.threshold,
        }
    }
}

/// The settings as JSON, to merge into.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SettingsJson {
    database: Option<PathBuf>,
    hints: serde_json::Value,
    risk: serde_json::Value,
    flaky: serde_json::Value,
    generate: serde_json::Value,
    log_level: Option<String>,
}

impl From<&Settings> for SettingsJson {
    fn from(s: &Settings) -> SettingsJson {
        SettingsJson {
            database: s.database.clone(),
            hints: serde_json::json!({
                "complexity": s.hints.complexity,
                "coverage": s.hints.coverage,
                "risk": s.hints.risk,
            }),
            risk: serde_json::json!({ "threshold": s.risk.threshold }),
            flaky: serde_json::json!({
                "window": s.flaky.window,
                "stableRuns": s.flaky.stable_runs,
            }),
            generate: serde_json::json!({ "timeout": s.generate.timeout }),
            log_level: s.log_level.clone(),
        }
    }
}

fn merge_json(base: &mut serde_json::Value, over: &serde_json::Value) {
    match (base, over) {
        (serde_json::Value::Object(b), serde_json::Value::Object(o)) => {
            for (k, v) in o {
                if v.is_null() {
                    continue;
                }
                // `stable_runs` in TOML, `stableRuns` in JSON.
                let key = if k == "stable_runs" {
                    "stableRuns"
                } else {
                    k.as_str()
                };
                let key = if key == "log_level" { "logLevel" } else { key };
                match b.get_mut(key) {
                    Some(slot) => merge_json(slot, v),
                    None => {
                        b.insert(key.to_owned(), v.clone());
                    }
                }
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_sources_override_only_what_they_set() {
        let mut s = Settings::default();
        s.merge(&serde_json::json!({ "hints": { "risk": false }, "flaky": { "window": 10 } }));
        s.merge(&serde_json::json!({ "flaky": { "stableRuns": 5 }, "database": null }));
        assert!(!s.hints.risk && s.hints.coverage && s.hints.complexity);
        assert_eq!((s.flaky.window, s.flaky.stable_runs), (10, 5));
        assert_eq!(s.risk.threshold, 0.5);
    }

    #[test]
    fn testlens_toml_is_read_with_snake_case_keys() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("testlens.toml"),
            "database = \"h.db\"\n[flaky]\nwindow = 12\nstable_runs = 4\n[risk]\nthreshold = 0.7\n",
        )
        .unwrap();
        let s = Settings::from_toml(dir.path());
        assert_eq!(s.database.as_deref(), Some(Path::new("h.db")));
        assert_eq!((s.flaky.window, s.flaky.stable_runs), (12, 4));
        assert_eq!(s.risk.threshold, 0.7);
    }

    #[test]
    fn a_wrong_type_keeps_the_previous_settings() {
        let mut s = Settings::default();
        s.merge(&serde_json::json!({ "flaky": { "window": "many" } }));
        assert_eq!(s, Settings::default());
    }
}
