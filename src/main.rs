//! The `policywright` command: every action of the app, from a terminal.
//!
//! This shell does the I/O the core refuses to do: reading and writing files,
//! reading the clock, and turning errors into stderr text and exit codes
//! (0 ok, 1 invalid input, 2 usage or I/O error).

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(err) => {
            // clap prints help and version to stdout with status 0, and usage errors with 2.
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(err.code.exit_code())
        }
    }
}
