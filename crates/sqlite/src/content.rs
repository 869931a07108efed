//! Version content as stored: the canonical JSON, deflated. Policies are
//! repetitive text, so ten thousand versions of one take megabytes, not
//! hundreds of them.

use std::io::{Read, Write};

use policywright_i18n::{Error, ErrorKind, Message, Result, keys, msg};

/// No version of a policy unpacks to more than this (the largest policy
/// file read is 16 MiB); a damaged or forged row that claims more is
/// refused before it fills memory.
const MAX_UNPACKED: u64 = 64 << 20;

pub fn pack(json: &str) -> Vec<u8> {
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(json.as_bytes());
    encoder.finish().unwrap_or_default()
}

pub fn unpack(packed: &[u8], at: &str) -> Result<String> {
    let fail = |reason: Message| {
        Error::new(ErrorKind::InvalidLibrary, msg!(keys::errors::VERSION_UNPACK, path = at, reason = reason))
            .hint(Message::new(keys::errors::RESTORE_HINT))
    };
    let mut bytes = Vec::new();
    flate2::read::DeflateDecoder::new(packed)
        .take(MAX_UNPACKED + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(Message::verbatim(e.to_string())))?;
    if bytes.len() as u64 > MAX_UNPACKED {
        return Err(fail(Message::verbatim(format!("more than {} MiB", MAX_UNPACKED >> 20))));
    }
    String::from_utf8(bytes).map_err(|e| fail(Message::verbatim(e.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_round_trips_and_shrinks() {
        let json = "{\"title\":\"运营人员岗位工作制度\",\"roles\":[".to_string()
            + &"{\"duty\":\"写周报\"},".repeat(500)
            + "]}";
        let packed = pack(&json);
        assert!(packed.len() * 10 < json.len(), "{} of {}", packed.len(), json.len());
        assert_eq!(unpack(&packed, "x").expect("unpacks"), json);
    }

    #[test]
    fn a_damaged_row_is_an_error_not_a_panic() {
        let err = unpack(b"\xff\xfe not deflate", "lib.sqlite").expect_err("damaged");
        assert_eq!(err.kind, ErrorKind::InvalidLibrary);
        assert!(err.message.to_string().starts_with("a stored version in lib.sqlite cannot be unpacked: "), "{err}");
    }
}
