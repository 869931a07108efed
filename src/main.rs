//! The `policywright` binary: the real machine, the real streams.

use std::process::ExitCode;

use policywright_host::System;

fn main() -> ExitCode {
    let world = System;
    let (mut stdout, mut stderr) = (std::io::stdout().lock(), std::io::stderr().lock());
    let mut out = policywright::Out::new(&mut stdout, &mut stderr, world.locale());
    ExitCode::from(policywright::run(std::env::args_os(), &world, &mut out))
}
