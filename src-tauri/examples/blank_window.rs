//! A blank Tauri 2 window: the yardstick `make bench` measures the app's
//! cold start and memory against. Same Tauri, same webview, same window
//! size and configuration, and nothing in it but an empty page.

fn main() {
    let mut context = tauri::generate_context!();
    // The app's configuration opens its window on the UI; this one opens
    // its own, on nothing.
    context.config_mut().app.windows.clear();
    let built = tauri::Builder::default()
        .setup(|app| {
            tauri::WebviewWindowBuilder::new(app, "main", tauri::WebviewUrl::External("about:blank".parse()?))
                .title("Blank")
                .inner_size(1280.0, 800.0)
                .build()?;
            Ok(())
        })
        .run(context);
    if let Err(e) = built {
        eprintln!("error: the blank window could not be opened: {e}");
        std::process::exit(2);
    }
}
