//! The package's zip, written by us: deflated parts, a fixed timestamp, and
//! the central directory.
//!
//! Writing it ourselves lets one compressor serve every small part (a new
//! one per part allocated and cleared hundreds of kilobytes each time, which
//! showed as a fifth of a whole `convert` in page faults), and lets the
//! largest part, `document.xml`, be deflated in pieces while it is still
//! being written ([`deflate_while`]): each piece is deflated on its own and
//! ends with a sync flush, so the pieces read as one deflate stream (as pigz
//! does it), and since no piece depends on another, the same text gives the
//! same bytes whichever thread deflated which piece.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, PoisonError};

use flate2::{Compress, Compression, Crc, FlushCompress, Status};

/// Deflate level 3 of 9. Level 1 (zlib-rs's quick deflate) left a long
/// document half again as large as pandoc's; 3 brings it within a fifth of
/// pandoc's for a few per cent more time, most of it hidden behind writing
/// the body (README, Speed).
const LEVEL: u32 = 3;

/// DOS time and date of every entry: 1980-01-01 00:00, the same bytes always.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;

struct Entry {
    name: Cow<'static, str>,
    crc: u32,
    compressed: u32,
    size: u32,
    offset: u32,
}

pub struct Zip {
    out: Vec<u8>,
    entries: Vec<Entry>,
    compress: Compress,
}

/// A part too large for a zip without the 64-bit extensions (4 GiB).
#[derive(Debug)]
pub struct TooLarge;

fn u32_of(n: usize) -> Result<u32, TooLarge> {
    u32::try_from(n).map_err(|_| TooLarge)
}

impl Zip {
    pub fn new(capacity: usize) -> Zip {
        Zip { out: Vec::with_capacity(capacity), entries: Vec::new(), compress: compressor() }
    }

    pub fn add(&mut self, name: impl Into<Cow<'static, str>>, bytes: &[u8]) -> Result<(), TooLarge> {
        self.add_pieces(name, Vec::new(), bytes)
    }

    /// A part of the `pieces` (see [`deflate_while`]), then `tail`.
    pub fn add_pieces(
        &mut self,
        name: impl Into<Cow<'static, str>>,
        pieces: Vec<Piece>,
        tail: &[u8],
    ) -> Result<(), TooLarge> {
        let name = name.into();
        let offset = u32_of(self.out.len())?;
        // Room for the local header, then the deflated data after it.
        let header_at = self.out.len();
        self.out.extend_from_slice(&[0; 30]);
        self.out.extend_from_slice(name.as_bytes());
        let data_at = self.out.len();
        let mut crc = Crc::new();
        let mut size = 0usize;
        for piece in pieces {
            self.out.extend_from_slice(&piece.data);
            crc.combine(&piece.crc);
            size += piece.len;
        }
        self.compress.reset();
        deflate(&mut self.compress, tail, &mut self.out, FlushCompress::Finish);
        let mut tail_crc = Crc::new();
        tail_crc.update(tail);
        crc.combine(&tail_crc);
        let crc = crc.sum();
        let size = u32_of(size + tail.len())?;
        let compressed = u32_of(self.out.len() - data_at)?;
        let name_len = u16::try_from(name.len()).map_err(|_| TooLarge)?;
        let header = &mut self.out[header_at..data_at];
        local_header(header, crc, compressed, size, name_len);
        self.entries.push(Entry { name, crc, compressed, size, offset });
        Ok(())
    }

    pub fn finish(mut self) -> Result<Vec<u8>, TooLarge> {
        let directory_at = u32_of(self.out.len())?;
        for e in &self.entries {
            let out = &mut self.out;
            out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            // Made by: Unix (3), spec 2.0; needed to extract: 2.0.
            out.extend_from_slice(&((3u16 << 8) | 20).to_le_bytes());
            out.extend_from_slice(&20u16.to_le_bytes());
            out.extend_from_slice(&common(e.crc, e.compressed, e.size, e.name.len()));
            out.extend_from_slice(&[0; 2]); // extra field length
            out.extend_from_slice(&[0; 2]); // comment length
            out.extend_from_slice(&[0; 2]); // disk number
            out.extend_from_slice(&[0; 2]); // internal attributes
            // External attributes: a regular file, rw-r--r--.
            out.extend_from_slice(&(0o100_644u32 << 16).to_le_bytes());
            out.extend_from_slice(&e.offset.to_le_bytes());
            out.extend_from_slice(e.name.as_bytes());
        }
        let directory_size = u32_of(self.out.len())? - directory_at;
        let count = u16::try_from(self.entries.len()).map_err(|_| TooLarge)?;
        let out = &mut self.out;
        out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        out.extend_from_slice(&[0; 4]); // this disk, the directory's disk
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&count.to_le_bytes());
        out.extend_from_slice(&directory_size.to_le_bytes());
        out.extend_from_slice(&directory_at.to_le_bytes());
        out.extend_from_slice(&[0; 2]); // comment length
        Ok(self.out)
    }
}

/// The fields local and central headers share, from the general-purpose
/// flags to the name's length: no flags, deflate, the fixed time.
fn common(crc: u32, compressed: u32, size: u32, name_len: usize) -> [u8; 22] {
    let mut b = [0u8; 22];
    b[2..4].copy_from_slice(&8u16.to_le_bytes());
    b[4..6].copy_from_slice(&DOS_TIME.to_le_bytes());
    b[6..8].copy_from_slice(&DOS_DATE.to_le_bytes());
    b[8..12].copy_from_slice(&crc.to_le_bytes());
    b[12..16].copy_from_slice(&compressed.to_le_bytes());
    b[16..20].copy_from_slice(&size.to_le_bytes());
    b[20..22].copy_from_slice(&(name_len as u16).to_le_bytes());
    b
}

fn local_header(header: &mut [u8], crc: u32, compressed: u32, size: u32, name_len: u16) {
    header[0..4].copy_from_slice(&0x0403_4b50u32.to_le_bytes());
    header[4..6].copy_from_slice(&20u16.to_le_bytes());
    header[6..28].copy_from_slice(&common(crc, compressed, size, usize::from(name_len)));
    header[28..30].copy_from_slice(&[0; 2]); // extra field length
}

/// Deflates all of `input` onto the end of `out`.
fn deflate(compress: &mut Compress, input: &[u8], out: &mut Vec<u8>, flush: FlushCompress) {
    let start_in = compress.total_in();
    loop {
        let consumed = (compress.total_in() - start_in) as usize;
        if out.capacity() - out.len() < 4096 {
            out.reserve(out.capacity().max(64 * 1024));
        }
        // A compressor into a Vec with room reports only buffer states, never
        // a stream error, for input it was given whole.
        let status = compress.compress_vec(&input[consumed..], out, flush).unwrap_or(Status::StreamEnd);
        let done = (compress.total_in() - start_in) as usize == input.len();
        match (status, flush) {
            (Status::StreamEnd, _) => break,
            // A sync flush is complete once all input is in and the
            // compressor left room to spare, so nothing is pending.
            (_, FlushCompress::Sync) if done && out.len() < out.capacity() => break,
            _ => {}
        }
    }
}

fn compressor() -> Compress {
    Compress::new(Compression::new(LEVEL), false)
}

/// The start of a part, deflated on its own and ended with a sync flush, so
/// that the next piece, or the part's tail, goes on the same stream.
pub struct Piece {
    data: Vec<u8>,
    crc: Crc,
    len: usize,
}

impl Piece {
    pub fn deflated_len(&self) -> usize {
        self.data.len()
    }
}

fn deflate_piece(compress: &mut Compress, bytes: &[u8]) -> Piece {
    compress.reset();
    let mut data = Vec::with_capacity(bytes.len() / 5 + 64);
    deflate(compress, bytes, &mut data, FlushCompress::Sync);
    let mut crc = Crc::new();
    crc.update(bytes);
    Piece { data, crc, len: bytes.len() }
}

/// Pieces handed over and not yet deflated, and whether more will come.
struct Queue {
    waiting: VecDeque<(usize, Vec<u8>)>,
    closed: bool,
}

struct Close<'a> {
    queue: &'a Mutex<Queue>,
    ready: &'a Condvar,
}

impl Drop for Close<'_> {
    fn drop(&mut self) {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner).closed = true;
        self.ready.notify_all();
    }
}

/// Runs `produce`, deflating each piece it hands to its sink on a second
/// thread as it comes, and once `produce` is done, on this thread too. The
/// pieces come back in the order they were handed over; `None` if one was
/// lost (a deflating thread panicked).
pub fn deflate_while<R>(produce: impl FnOnce(&mut dyn FnMut(Vec<u8>)) -> R) -> Option<(R, Vec<Piece>)> {
    let queue = Mutex::new(Queue { waiting: VecDeque::new(), closed: false });
    let ready = Condvar::new();
    let done: Mutex<Vec<(usize, Piece)>> = Mutex::new(Vec::new());
    let lock = |m| -> std::sync::MutexGuard<'_, Queue> { Mutex::lock(m).unwrap_or_else(PoisonError::into_inner) };
    // Takes pieces until there are none; `wait` waits for more until the
    // queue is closed.
    let work = |wait: bool| {
        let mut compress: Option<Compress> = None;
        loop {
            let next = {
                let mut q = lock(&queue);
                loop {
                    if let Some(item) = q.waiting.pop_front() {
                        break Some(item);
                    }
                    if q.closed || !wait {
                        break None;
                    }
                    q = ready.wait(q).unwrap_or_else(PoisonError::into_inner);
                }
            };
            let Some((index, bytes)) = next else { break };
            let piece = deflate_piece(compress.get_or_insert_with(compressor), &bytes);
            done.lock().unwrap_or_else(PoisonError::into_inner).push((index, piece));
        }
    };
    let (result, handed) = std::thread::scope(|s| {
        // Closes the queue however `produce` ends: were it to panic, the
        // worker would otherwise wait for more, and the scope for it, forever.
        let _close = Close { queue: &queue, ready: &ready };
        let mut worker = None;
        let mut handed = 0;
        let result = produce(&mut |bytes| {
            lock(&queue).waiting.push_back((handed, bytes));
            handed += 1;
            ready.notify_one();
            // A short document never hands a piece over, and costs no thread.
            if worker.is_none() {
                worker = Some(s.spawn(|| work(true)));
            }
        });
        lock(&queue).closed = true;
        ready.notify_all();
        work(false);
        if let Some(worker) = worker {
            let _ = worker.join();
        }
        (result, handed)
    });
    let mut pieces = done.into_inner().unwrap_or_else(PoisonError::into_inner);
    if pieces.len() != handed {
        return None;
    }
    pieces.sort_by_key(|(index, _)| *index);
    Some((result, pieces.into_iter().map(|(_, piece)| piece).collect()))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn read_back(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
        let mut zip = ::zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        (0..zip.len())
            .map(|i| {
                let mut file = zip.by_index(i).expect("entry");
                let mut data = Vec::new();
                file.read_to_end(&mut data).expect("inflates and its CRC matches");
                (file.name().to_string(), data)
            })
            .collect()
    }

    /// A part in pieces, as the body writer hands them over.
    fn in_pieces(bytes: &[u8], size: usize) -> (Vec<Piece>, &[u8]) {
        let cut = bytes.len() - bytes.len() % size;
        let (pieces, tail) = bytes.split_at(cut);
        let ((), pieces) = deflate_while(|sink| pieces.chunks(size).for_each(|c| sink(c.to_vec()))).expect("deflates");
        (pieces, tail)
    }

    #[test]
    fn parts_read_back_whole_small_and_large() {
        let large: Vec<u8> = (0..3_000_000u32).flat_map(|i| format!("<w:p>{}</w:p>", i % 977).into_bytes()).collect();
        let mut zip = Zip::new(1024);
        zip.add("a.xml", b"<a/>").expect("adds");
        zip.add("empty.xml", b"").expect("adds");
        let (pieces, tail) = in_pieces(&large, 300_001);
        assert!(pieces.len() > 10, "{} pieces", pieces.len());
        zip.add_pieces("word/document.xml", pieces, tail).expect("adds");
        zip.add("z.xml", b"<z>after the large one</z>").expect("adds");
        let bytes = zip.finish().expect("finishes");
        let parts = read_back(&bytes);
        assert_eq!(parts.len(), 4);
        assert_eq!(parts[0], ("a.xml".to_string(), b"<a/>".to_vec()));
        assert!(parts[1].1.is_empty());
        assert!(parts[2].1 == large, "the pieces read as one stream");
        assert_eq!(parts[3].1, b"<z>after the large one</z>");
        assert!(bytes.len() * 5 < large.len(), "compressed: {} bytes", bytes.len());
    }

    #[test]
    fn a_panic_while_pieces_are_handed_over_is_a_panic_not_a_hang() {
        let outcome = std::panic::catch_unwind(|| {
            deflate_while(|sink| {
                sink(vec![b'x'; 1000]);
                panic!("the writer failed");
            })
        });
        assert!(outcome.is_err());
    }

    #[test]
    fn the_same_parts_give_the_same_bytes() {
        let large: Vec<u8> = (0..400_000u32).flat_map(|i| format!("<w:t>{}</w:t>", i % 313).into_bytes()).collect();
        let make = || {
            let mut zip = Zip::new(0);
            let (pieces, tail) = in_pieces(&large, 65_536);
            zip.add_pieces("word/document.xml", pieces, tail).expect("adds");
            zip.add("b.xml", b"<b/>").expect("adds");
            zip.finish().expect("finishes")
        };
        assert_eq!(make(), make());
    }
}
