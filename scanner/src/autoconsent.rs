//! DuckDuckGo's autoconsent rule set driven over the DevTools protocol, as DuckDuckGo's own
//! crawler drives it: a binding and an isolated world per frame, the injectable bundle evaluated
//! there, its messages read from `Runtime.bindingCalled` and answered with `Runtime.evaluate` in
//! that world (rule `eval`s run in the page's main world). Kapsel asks for no automatic action:
//! on `popupFound` the caller gets the chance to measure and photograph the banner, then Kapsel
//! sends `optIn` or `optOut` and, when the rule has one, the rule's self-test.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use headless_chrome::protocol::cdp::types::{Event, Method};
use headless_chrome::Tab;
use serde::Serialize;
use serde_json::{json, Value};

/// The npm version `scripts/setup.sh` installs.
pub const PINNED_VERSION: &str = "16.23.0";
/// Name of the isolated world the bundle runs in.
const WORLD: &str = "kapsel_autoconsent";
/// Name of the binding the bundle's messages arrive through.
const BINDING: &str = "kapselAutoconsentSend";

/// Why the autoconsent bundle could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum AutoconsentError {
    /// Not installed where Kapsel looked.
    #[error("autoconsent (npm @duckduckgo/autoconsent) was not found in {looked}: run scripts/setup.sh in Kapsel's repository, or `npm install --prefix DIR @duckduckgo/autoconsent@{PINNED_VERSION}` and pass --autoconsent DIR/node_modules/@duckduckgo/autoconsent (or set KAPSEL_AUTOCONSENT)")]
    NotFound {
        /// The places tried.
        looked: String,
    },
    /// A file of the package could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The rules file is not the JSON the package ships.
    #[error("{path} is not autoconsent's rules JSON: {source}")]
    Rules {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: serde_json::Error,
    },
}

/// The bundle and its rules, read once per scan.
#[derive(Debug, Clone)]
pub struct Autoconsent {
    /// Where the package is.
    pub dir: PathBuf,
    /// Its version (from its package.json).
    pub version: String,
    script: Arc<String>,
    rules: Arc<String>,
}

/// Which way to press.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Accept all (`optIn`).
    OptIn,
    /// Reject all (`optOut`).
    OptOut,
}

/// What autoconsent did on one page.
#[derive(Debug, Clone, Default)]
pub struct Run {
    /// The rule (consent platform) detected, when any.
    pub detected: Option<String>,
    /// The rule whose popup was found open.
    pub popup: Option<String>,
    /// The opt-in/opt-out result, when the action ran.
    pub result: Option<bool>,
    /// The rule's self-test result, when it has one.
    pub self_test: Option<bool>,
    /// Errors the bundle reported.
    pub errors: Vec<String>,
}

impl Autoconsent {
    /// Finds the package: `explicit` (a flag), else env `KAPSEL_AUTOCONSENT`, else
    /// `target/tools/node_modules/@duckduckgo/autoconsent` under the working directory or the
    /// repository this binary was built in.
    pub fn locate(explicit: Option<&Path>) -> Result<Autoconsent, AutoconsentError> {
        let mut tried: Vec<PathBuf> = Vec::new();
        if let Some(p) = explicit {
            tried.push(p.to_path_buf());
        } else {
            if let Some(p) = std::env::var_os("KAPSEL_AUTOCONSENT").filter(|p| !p.is_empty()) {
                tried.push(PathBuf::from(p));
            }
            let rel = Path::new("target/tools/node_modules/@duckduckgo/autoconsent");
            tried.push(rel.to_path_buf());
            tried.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel));
        }
        let dir = tried
            .iter()
            .find(|d| d.join("dist/autoconsent.playwright.js").is_file())
            .cloned()
            .ok_or_else(|| AutoconsentError::NotFound {
                looked: tried
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        let read = |rel: &str| {
            let path = dir.join(rel);
            std::fs::read_to_string(&path).map_err(|source| AutoconsentError::Read { path, source })
        };
        let bundle = read("dist/autoconsent.playwright.js")?;
        let rules_path = dir.join("rules/rules.json");
        let rules_text = read("rules/rules.json")?;
        let rules: Value =
            serde_json::from_str(&rules_text).map_err(|source| AutoconsentError::Rules {
                path: rules_path.clone(),
                source,
            })?;
        if !rules.get("autoconsent").is_some_and(Value::is_array) {
            return Err(AutoconsentError::Rules {
                path: rules_path,
                source: serde::de::Error::custom("no `autoconsent` array"),
            });
        }
        let version = read("package.json")
            .ok()
            .and_then(|t| serde_json::from_str::<Value>(&t).ok())
            .and_then(|v| v.get("version").and_then(Value::as_str).map(String::from))
            .unwrap_or_else(|| "?".into());
        let script = format!(
            "window.autoconsentSendMessage = (m) => {{ try {{ {BINDING}(JSON.stringify(m)); }} catch (e) {{}} }};\n{bundle}"
        );
        Ok(Autoconsent {
            dir,
            version,
            script: Arc::new(script),
            rules: Arc::new(rules_text),
        })
    }

    /// Registers the binding the bundle reports through with the tab; once per tab, before
    /// [`Autoconsent::run`]. (headless_chrome's event thread must know every binding by name.)
    pub fn prepare_tab(tab: &Tab) -> Result<(), String> {
        tab.expose_function(BINDING, Arc::new(|_payload: Value| {}))
            .map_err(|e| e.to_string())?;
        tab.call_method(AddBinding {
            name: BINDING.into(),
            execution_context_name: WORLD.into(),
        })
        .map_err(|e| e.to_string())?;
        Ok(())
    }

    /// Runs the rule set on the page now shown in `tab` (every frame this renderer holds). Waits
    /// up to `patience` for a rule to find its popup open; then calls `on_popup` with the rule's
    /// name (the banner is still there), presses `action` and waits for the result and self-test.
    pub fn run(
        &self,
        tab: &Tab,
        action: Action,
        patience: Duration,
        mut on_popup: impl FnMut(&str),
    ) -> Run {
        let mut run = Run::default();
        let inbox: Arc<Mutex<VecDeque<(String, u64)>>> = Arc::default();
        let sink = Arc::clone(&inbox);
        let listener = tab.add_event_listener(Arc::new(move |event: &Event| {
            if let Event::RuntimeBindingCalled(e) = event {
                if e.params.name == BINDING {
                    if let Ok(mut q) = sink.lock() {
                        if q.len() < 10_000 {
                            q.push_back((
                                e.params.payload.clone(),
                                e.params.execution_context_id as u64,
                            ));
                        }
                    }
                }
            }
        }));
        let Ok(listener) = listener else {
            run.errors.push("could not listen to the tab".into());
            return run;
        };
        // One isolated world per frame of this renderer; remember the top frame's.
        let mut top_world = None;
        let mut worlds = Vec::new();
        for (frame, is_top) in frames(tab) {
            let Ok(answer) = tab.call_method(CreateIsolatedWorld {
                frame_id: frame,
                world_name: WORLD.into(),
                grant_univeral_access: true,
            }) else {
                continue;
            };
            let Some(ctx) = answer.get("executionContextId").and_then(Value::as_u64) else {
                continue;
            };
            if is_top {
                top_world = Some(ctx);
            }
            worlds.push(ctx);
            let _ = evaluate_in(tab, &self.script, Some(ctx));
        }
        if worlds.is_empty() {
            run.errors.push("no frame accepted the rule set".into());
            let _ = tab.remove_event_listener(&listener);
            return run;
        }

        let started = Instant::now();
        let mut deadline = started + patience;
        let mut self_test_world = None;
        let mut done_at: Option<Instant> = None;
        loop {
            let next = inbox.lock().ok().and_then(|mut q| q.pop_front());
            let Some((payload, ctx)) = next else {
                let now = Instant::now();
                if now >= deadline || done_at.is_some_and(|t| now >= t) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(40));
                continue;
            };
            let Ok(msg) = serde_json::from_str::<Value>(&payload) else {
                continue;
            };
            let kind = msg.get("type").and_then(Value::as_str).unwrap_or("");
            let cmp = msg.get("cmp").and_then(Value::as_str).map(String::from);
            match kind {
                "init" => {
                    let answer = format!(
                        "autoconsentReceiveMessage({{ type: 'initResp', config: {}, rules: {} }})",
                        config(),
                        self.rules
                    );
                    let _ = evaluate_in(tab, &answer, Some(ctx));
                }
                "eval" => {
                    let id = msg.get("id").and_then(Value::as_str).unwrap_or_default();
                    let code = msg.get("code").and_then(Value::as_str).unwrap_or("false");
                    // Rules' evals run in the page's main world; only the top frame's is reachable.
                    let result = if Some(ctx) == top_world {
                        evaluate_in(tab, code, None)
                            .map(|v| truthy(&v))
                            .unwrap_or(false)
                    } else {
                        false
                    };
                    let answer = format!(
                        "autoconsentReceiveMessage({{ id: {}, type: 'evalResp', result: {result} }})",
                        json!(id)
                    );
                    let _ = evaluate_in(tab, &answer, Some(ctx));
                }
                "cmpDetected" => {
                    run.detected.get_or_insert(cmp.unwrap_or_default());
                    // A platform is there: give its popup time to open.
                    deadline = deadline.max(Instant::now() + Duration::from_secs(8));
                }
                "popupFound" if run.popup.is_none() => {
                    let name = cmp.unwrap_or_default();
                    on_popup(&name);
                    run.popup = Some(name);
                    let verb = match action {
                        Action::OptIn => "optIn",
                        Action::OptOut => "optOut",
                    };
                    let _ = evaluate_in(
                        tab,
                        &format!("autoconsentReceiveMessage({{ type: '{verb}' }})"),
                        Some(ctx),
                    );
                    deadline = Instant::now() + Duration::from_secs(20);
                }
                "optInResult" | "optOutResult" => {
                    run.result = msg.get("result").and_then(Value::as_bool);
                    if msg.get("scheduleSelfTest").and_then(Value::as_bool) == Some(true) {
                        self_test_world = Some(ctx);
                    }
                    if run.result == Some(false) {
                        done_at = Some(Instant::now());
                    }
                }
                "autoconsentDone" => match self_test_world {
                    Some(world) => {
                        let _ = evaluate_in(
                            tab,
                            "autoconsentReceiveMessage({ type: 'selfTest' })",
                            Some(world),
                        );
                        done_at = Some(Instant::now() + Duration::from_secs(5));
                    }
                    None => done_at = Some(Instant::now()),
                },
                "selfTestResult" => {
                    run.self_test = msg.get("result").and_then(Value::as_bool);
                    done_at = Some(Instant::now());
                }
                // The top frame's rules all said no: stop waiting (frames may still report).
                "report"
                    if Some(ctx) == top_world
                        && run.detected.is_none()
                        && msg.pointer("/state/lifecycle").and_then(Value::as_str)
                            == Some("nothingDetected") =>
                {
                    done_at.get_or_insert_with(|| Instant::now() + Duration::from_millis(300));
                }
                "autoconsentError" if run.errors.len() < 5 => {
                    run.errors.push(
                        msg.get("details")
                            .map(|d| d.to_string())
                            .unwrap_or_default()
                            .chars()
                            .take(200)
                            .collect(),
                    );
                }
                _ => {}
            }
        }
        let _ = tab.remove_event_listener(&listener);
        run
    }
}

/// The configuration sent with `initResp`: no automatic action (Kapsel presses after measuring),
/// no cosmetic hiding (a hidden banner is not a choice), every rule.
fn config() -> Value {
    json!({
        "enabled": true,
        "autoAction": null,
        "disabledCmps": [],
        "enablePrehide": false,
        "enableCosmeticRules": false,
        "enableGeneratedRules": true,
        "detectRetries": 6,
        "isMainWorld": false,
        "prehideTimeout": 2000,
        "enableHeuristicDetection": false,
        "enablePopupMutationObserver": true,
        "visualTest": false,
        "logs": { "lifecycle": false, "rulesteps": false, "detectionsteps": false, "evals": false,
                  "errors": false, "messages": false, "waits": false },
        "performanceLoggingEnabled": false,
        "heuristicPopupSearchTimeout": 0,
        "heuristicMode": "off"
    })
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Null => false,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

/// Frames of the page (id, is the top frame).
fn frames(tab: &Tab) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let Ok(tree) = tab.call_method(GetFrameTree {}) else {
        return out;
    };
    fn walk(node: &Value, top: bool, out: &mut Vec<(String, bool)>) {
        if out.len() >= 50 {
            return;
        }
        if let Some(id) = node.pointer("/frame/id").and_then(Value::as_str) {
            out.push((id.to_string(), top));
        }
        for child in node
            .get("childFrames")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            walk(child, false, out);
        }
    }
    if let Some(root) = tree.get("frameTree") {
        walk(root, true, &mut out);
    }
    out
}

/// Evaluates in a context (the page's main world when `None`); the value, or None when it threw.
/// Messages to the bundle are not awaited: its answer may need an `eval` this loop must serve.
fn evaluate_in(tab: &Tab, expression: &str, context_id: Option<u64>) -> Option<Value> {
    let await_promise = context_id.is_none();
    let answer = tab
        .call_method(EvaluateIn {
            expression: expression.to_string(),
            context_id,
            return_by_value: true,
            await_promise,
            allow_unsafe_eval_blocked_by_csp: true,
            timeout: 5_000,
        })
        .ok()?;
    if answer.get("exceptionDetails").is_some() {
        return None;
    }
    Some(
        answer
            .pointer("/result/value")
            .cloned()
            .unwrap_or(Value::Null),
    )
}

macro_rules! raw_method {
    ($(#[$doc:meta])* $name:ident = $cdp:literal { $($field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Serialize)]
        #[serde(rename_all = "camelCase")]
        struct $name { $($field: $ty),* }
        impl Method for $name {
            const NAME: &'static str = $cdp;
            type ReturnObject = Value;
        }
    };
}

raw_method!(
    /// `Runtime.addBinding` for contexts of one name.
    AddBinding = "Runtime.addBinding" { name: String, execution_context_name: String }
);
raw_method!(
    /// `Page.createIsolatedWorld` (the protocol spells the flag so).
    CreateIsolatedWorld = "Page.createIsolatedWorld" { frame_id: String, world_name: String, grant_univeral_access: bool }
);
raw_method!(
    /// `Page.getFrameTree`.
    GetFrameTree = "Page.getFrameTree" {}
);

/// `Runtime.evaluate` in a given context.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct EvaluateIn {
    expression: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    context_id: Option<u64>,
    return_by_value: bool,
    await_promise: bool,
    #[serde(rename = "allowUnsafeEvalBlockedByCSP")]
    allow_unsafe_eval_blocked_by_csp: bool,
    timeout: u64,
}
impl Method for EvaluateIn {
    const NAME: &'static str = "Runtime.evaluate";
    type ReturnObject = Value;
}
