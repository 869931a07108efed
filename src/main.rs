//! The `policywright` binary: the real machine, the real streams.

use std::process::ExitCode;

use policywright_host::System;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let world = System;
    let (mut stdout, mut stderr) = (std::io::stdout().lock(), std::io::stderr().lock());
    let mut out = policywright::Out::new(&mut stdout, &mut stderr, world.locale());
    ExitCode::from(policywright::run(std::env::args_os(), &world, &mut out))
}
