//! What a render may cost when a user's templates are in use: a number of
//! steps, a size of output, and a depth of components calling components.
//!
//! Tera runs a template to the end however long that takes, and this crate
//! reads no clock, so time is bounded by counting instead: the step counters
//! that [`super::instrument`] writes into the templates, and the `range`
//! function, charge a meter that lives for one render on the rendering
//! thread (Tera renders synchronously, on the caller's thread). When it runs
//! out the counter fails, which stops Tera; so does the writer the output
//! goes to once it holds the most a render may write. The same template and
//! data always stop at the same step, which a clock could not promise.
//!
//! The limits grow with the data rendered, so that a large policy renders
//! through templates of the user's as it does through the built-in ones:
//! every loop over the data runs at most once per item, and each item takes
//! a few bytes of JSON. The built-in templates take 1,330 steps for the
//! 45 KB operations preset (a step per 30 bytes), and about one per byte
//! for degenerate data such as long lists of empty strings; a base of a
//! million steps is some 750 renders of the preset, and costs well under a
//! second in a release build even when every step is an empty loop turn.
//! 64 MiB of Markdown is some 20,000 pages.

use std::cell::Cell;
use std::io::{self, Write};

use policywright_model::{Policy, Sanitized};
use tera::{Kwargs, State, Tera, TeraResult, Value};

use super::instrument::{CALL, LEN, STEP};

/// Steps any render may take, however little data it has.
pub const BASE_STEPS: u64 = 1_000_000;
/// Further steps per byte of the data's JSON.
pub const STEPS_PER_BYTE: u64 = 4;
/// Output any render may write, in MiB.
pub const BASE_OUTPUT_MIB: u64 = 64;
/// Further output per byte of the data's JSON.
pub const OUTPUT_PER_BYTE: u64 = 4;
/// Components calling components: Tera's own limit, which it enforces.
pub const COMPONENT_DEPTH: u64 = 20;

/// The bounds of one render through a set that holds a user's templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Loop turns, component calls, comprehension and `range` items and
    /// template runs, each weighted by the number of tags it runs.
    pub steps: u64,
    /// Bytes of output, a whole number of MiB.
    pub output_bytes: u64,
    pub component_depth: u64,
}

impl Limits {
    /// The limits of a render whose data is `data_bytes` of JSON.
    pub fn for_data(data_bytes: usize) -> Limits {
        let bytes = data_bytes as u64;
        let output_mib = BASE_OUTPUT_MIB + (bytes.saturating_mul(OUTPUT_PER_BYTE)).div_ceil(1 << 20);
        Limits {
            steps: BASE_STEPS.saturating_add(bytes.saturating_mul(STEPS_PER_BYTE)),
            output_bytes: output_mib << 20,
            component_depth: COMPONENT_DEPTH,
        }
    }

    /// The limits of rendering `policy` (its document, not a handbook).
    pub fn for_policy(policy: &Sanitized<Policy>) -> Limits {
        let policy: &Policy = policy;
        Limits::for_data(json_len(policy))
    }
}

/// Length of a value's compact JSON, without building it.
pub fn json_len(value: &impl serde::Serialize) -> usize {
    struct Count(usize);
    impl Write for Count {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // A value that cannot be written as JSON counts as what was written.
    let _ = serde_json::to_writer(&mut count, value);
    count.0
}

/// The meter of the render under way on this thread.
#[derive(Debug, Clone, Copy, Default)]
pub struct Meter {
    left: u64,
    /// Templates `0..users` are the user's; the others are built in.
    users: usize,
    /// Whether the steps ran out.
    pub exhausted: bool,
    /// The template whose counter ran last, by index.
    pub last: Option<usize>,
    /// The user's template whose counter ran last, by index.
    pub last_user: Option<usize>,
    /// The template whose component was entered last, by index.
    pub last_component: Option<usize>,
}

thread_local! {
    static METER: Cell<Option<Meter>> = const { Cell::new(None) };
}

/// Puts a meter on this thread for one render and takes it off when dropped.
pub struct Metering {
    previous: Option<Meter>,
}

/// A meter of `steps`, for templates of which the first `users` (by the
/// index their counters carry) are the user's.
pub fn start(steps: u64, users: usize) -> Metering {
    let meter = Meter { left: steps, users, ..Meter::default() };
    Metering { previous: METER.with(|m| m.replace(Some(meter))) }
}

impl Metering {
    /// The meter as the render left it.
    pub fn finish(self) -> Meter {
        METER.with(Cell::get).unwrap_or_default()
    }
}

impl Drop for Metering {
    fn drop(&mut self) {
        METER.with(|m| m.set(self.previous.take()));
    }
}

const OUT_OF_STEPS: &str = "the render ran out of steps";

/// Takes `n` steps from the meter; an error once there are none left.
/// Without a meter (no render under way) nothing is counted.
fn charge(n: u64, template: Option<usize>, component: bool) -> TeraResult<()> {
    METER.with(|cell| {
        let Some(mut meter) = cell.get() else { return Ok(()) };
        if let Some(index) = template {
            meter.last = template;
            if index < meter.users {
                meter.last_user = template;
            }
            if component {
                meter.last_component = template;
            }
        }
        let enough = !meter.exhausted && meter.left >= n;
        meter.left = meter.left.saturating_sub(n);
        meter.exhausted |= !enough;
        cell.set(Some(meter));
        if enough { Ok(()) } else { Err(tera::Error::message(OUT_OF_STEPS)) }
    })
}

fn counter(kwargs: &Kwargs, component: bool) -> TeraResult<Value> {
    let template = kwargs.get::<u64>("t")?.and_then(|t| usize::try_from(t).ok());
    let n = kwargs.get::<u64>("n")?.unwrap_or(1);
    charge(n, template, component)?;
    // Safe, so that no escape function runs on it: it writes nothing.
    Ok(Value::safe_string(""))
}

/// The counters, the comprehension filter and the metered `range`.
pub fn register(tera: &mut Tera) {
    tera.register_function(STEP, |kwargs: Kwargs, _: &State<'_>| counter(&kwargs, false));
    tera.register_function(CALL, |kwargs: Kwargs, _: &State<'_>| counter(&kwargs, true));
    tera.register_filter(LEN, |value: Value, _: Kwargs, _: &State<'_>| -> TeraResult<Value> {
        charge(value.len().unwrap_or(0) as u64, None, false)?;
        Ok(value)
    });
    tera.register_function("range", range);
}

/// Upper bound on the number of elements one `range()` produces: Tera's.
const MAX_RANGE_LEN: usize = 100_000;

/// Tera 2.4's `range`, word for word, except that its length is charged to
/// the meter: a loop over it is charged per turn, but building it is work too.
fn range(kwargs: Kwargs, _: &State<'_>) -> TeraResult<Vec<i128>> {
    let start = kwargs.get::<i128>("start")?.unwrap_or_default();
    let end = kwargs.must_get::<i128>("end")?;
    let step_by = kwargs.get::<i128>("step_by")?.unwrap_or(1);
    if start > end && step_by > 0 {
        return Err(tera::Error::message(
            "Function `range` was called with a `start` argument greater than the `end` one",
        ));
    }
    if step_by == 0 {
        return Err(tera::Error::message("Function `range` was called with a `step_by` argument of 0"));
    }

    let overflow = || tera::Error::message("Function `range` was called with arguments that overflow i128");
    let len = if step_by > 0 {
        let span = end.checked_sub(start).ok_or_else(overflow)?;
        span.checked_add(step_by - 1).ok_or_else(overflow)? / step_by
    } else if start <= end {
        0
    } else {
        let step = step_by.checked_neg().ok_or_else(overflow)?;
        let span = start.checked_sub(end).ok_or_else(overflow)?;
        span.checked_add(step - 1).ok_or_else(overflow)? / step
    };
    if len > MAX_RANGE_LEN as i128 {
        return Err(tera::Error::message(format!(
            "Function `range` would produce {len} elements, which exceeds the limit of {MAX_RANGE_LEN}"
        )));
    }
    charge(len as u64, None, false)?;

    let mut values = Vec::with_capacity(len as usize);
    for i in 0..len {
        values.push(start + i * step_by);
    }
    Ok(values)
}

/// Tera's message when components nest deeper than [`COMPONENT_DEPTH`].
pub const DEPTH_MESSAGE: &str = "Maximum render recursion depth for components exceeded.";

/// The output of a render, refusing to hold more than `max` bytes.
pub struct Capped {
    pub bytes: Vec<u8>,
    max: u64,
    pub overflowed: bool,
}

impl Capped {
    pub fn new(max: u64) -> Capped {
        Capped { bytes: Vec::new(), max, overflowed: false }
    }
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.overflowed || (self.bytes.len() + buf.len()) as u64 > self.max {
            self.overflowed = true;
            return Err(io::Error::other("the render wrote more than its limit"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_grow_with_the_data() {
        let small = Limits::for_data(0);
        assert_eq!(small, Limits { steps: 1_000_000, output_bytes: 64 << 20, component_depth: 20 });
        let large = Limits::for_data(1 << 20);
        assert_eq!(large.steps, 1_000_000 + 4 * (1 << 20));
        assert_eq!(large.output_bytes, 68 << 20);
    }

    #[test]
    fn the_meter_stops_at_its_limit_and_only_during_a_render() {
        assert!(charge(u64::MAX, None, false).is_ok(), "no render, no meter");
        let metering = start(10, 3);
        assert!(charge(4, Some(1), false).is_ok());
        assert!(charge(6, Some(2), true).is_ok());
        assert!(charge(1, Some(3), false).is_err());
        assert!(charge(0, None, false).is_err(), "an exhausted meter stays exhausted");
        let meter = metering.finish();
        assert!(meter.exhausted);
        assert_eq!((meter.last, meter.last_user, meter.last_component), (Some(3), Some(2), Some(2)));
        assert!(charge(u64::MAX, None, false).is_ok(), "the meter is gone with the render");
    }

    #[test]
    fn tera_still_says_what_this_crate_matches_on() {
        let mut tera = Tera::new();
        tera.add_raw_template("d.md", "{% component d(n) %}{{ <d n={n}/> }}{% endcomponent d %}{{ <d n={1}/> }}")
            .expect("compiles");
        let err = tera.render("d.md", &tera::Context::new()).expect_err("too deep");
        assert!(matches!(err.kind(), tera::ErrorKind::Msg(m) if m == DEPTH_MESSAGE), "{err:?}");
    }
}
