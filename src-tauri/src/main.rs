//! Placeholder for the desktop shell (see `Cargo.toml`). Until the app lands,
//! it points people at the CLI instead of pretending to be the app.

fn main() {
    eprintln!("the Policywright desktop app is not built yet; use the `policywright` command line tool");
    let presets = policywright::presets::list().map(|p| p.len()).unwrap_or(0);
    eprintln!("{presets} built-in presets are available: run `policywright presets`");
    std::process::exit(2);
}
