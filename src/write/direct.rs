//! The large outputs' files (`patents.csv`, `patents.parquet`), written past the OS's
//! page cache where it allows that (Linux's `O_DIRECT`): whole aligned blocks go to
//! the disk from a thread of their own, the last partial block through the cache.
//!
//! Why: written through the cache, every byte is first copied into pages the kernel
//! takes fresh for it, and fresh pages are dear on the virtual machines runs are
//! measured on (the host backs each one on first touch): at 5M patents, 2.2 GB of
//! `patents.csv` cost about 3 s of system CPU this way. The run never reads the file
//! back. A direct write waits for the disk, so it happens on its own thread while the
//! cores render the next rows. Elsewhere (other systems, file systems that refuse
//! `O_DIRECT`, a block the disk refuses) the file is written through the cache on
//! the caller's thread, as before. The bytes are the same either way.

use std::io::Write;
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::write::InPieces;

/// Bytes gathered before a direct write: a whole number of [`ALIGN`] pages.
const BLOCK: usize = 4 << 20;

/// Blocks in use at most: one filling, one being written, and room for more than a
/// chunk of rendered rows (about 15 MB) to wait, so that handing one over seldom
/// waits for the disk.
const BLOCKS: usize = 6;

/// The alignment direct writes need of memory, file offset and length (the largest
/// logical block size of common disks).
const ALIGN: usize = 4096;

#[repr(C, align(4096))]
struct Page([u8; ALIGN]);

type Block = Vec<Page>;

fn new_block() -> Block {
    (0..BLOCK / ALIGN).map(|_| Page([0; ALIGN])).collect()
}

fn bytes(block: &Block) -> &[u8] {
    // SAFETY: `Page` is `repr(C)` bytes without padding (size = alignment = ALIGN), so
    // the pages are `len * ALIGN` initialised bytes.
    unsafe { std::slice::from_raw_parts(block.as_ptr().cast::<u8>(), block.len() * ALIGN) }
}

fn bytes_mut(block: &mut Block) -> &mut [u8] {
    // SAFETY: as in `bytes`, borrowed mutably with the block.
    unsafe { std::slice::from_raw_parts_mut(block.as_mut_ptr().cast::<u8>(), block.len() * ALIGN) }
}

/// A file written as [`Write`]: whole aligned blocks straight to the disk, from a
/// thread of its own, when the system allows it. [`LargeFile::finish`] writes the rest;
/// a file dropped unfinished is incomplete.
pub struct LargeFile(Mode);

enum Mode {
    Cached(std::fs::File),
    Direct(DirectWriter),
}

struct DirectWriter {
    block: Block,
    filled: usize,
    made: usize,
    full: Option<SyncSender<(Block, usize)>>,
    spare: Receiver<Block>,
    writer: Option<JoinHandle<std::io::Result<std::fs::File>>>,
}

impl LargeFile {
    /// Create (or truncate) the file at `path`.
    pub fn create(path: &Path) -> std::io::Result<LargeFile> {
        LargeFile::create_as(path, true)
    }

    /// [`LargeFile::create`], trying direct writes only when `direct`.
    fn create_as(path: &Path, direct: bool) -> std::io::Result<LargeFile> {
        let file = std::fs::File::create(path)?;
        if !(direct && set_direct(&file, true)) {
            return Ok(LargeFile(Mode::Cached(file)));
        }
        let (full, blocks) = sync_channel::<(Block, usize)>(BLOCKS);
        let (spares, spare) = sync_channel::<Block>(BLOCKS);
        let writer = std::thread::Builder::new().name("hvpat-direct-write".into()).spawn(move || {
            let mut direct = true;
            for (block, len) in blocks {
                write_block(&file, &bytes(&block)[..len], &mut direct)?;
                // The filling side may be gone (finishing): the block is then dropped.
                let _ = spares.send(block);
            }
            if direct {
                set_direct(&file, false);
            }
            Ok(file)
        })?;
        let direct =
            DirectWriter { block: new_block(), filled: 0, made: 1, full: Some(full), spare, writer: Some(writer) };
        Ok(LargeFile(Mode::Direct(direct)))
    }

    /// Write what is left and flush: the file is complete.
    pub fn finish(self) -> std::io::Result<()> {
        match self.0 {
            Mode::Cached(mut file) => file.flush(),
            Mode::Direct(mut w) => {
                let aligned = w.filled / ALIGN * ALIGN;
                let tail = bytes(&w.block)[aligned..w.filled].to_vec();
                if aligned > 0 {
                    let block = std::mem::take(&mut w.block);
                    w.send(block, aligned)?;
                }
                let mut file = w.join()?;
                file.write_all(&tail)?;
                file.flush()
            }
        }
    }
}

impl DirectWriter {
    /// Hand a block of `len` bytes to the writing thread.
    fn send(&mut self, block: Block, len: usize) -> std::io::Result<()> {
        match self.full.as_ref().map(|full| full.send((block, len))) {
            Some(Ok(())) => Ok(()),
            _ => Err(self.stopped()),
        }
    }

    /// A block to fill: a spare one, a new one while fewer than [`BLOCKS`] exist, else
    /// the next one the thread has written.
    fn next_block(&mut self) -> std::io::Result<Block> {
        if let Ok(block) = self.spare.try_recv() {
            return Ok(block);
        }
        if self.made < BLOCKS {
            self.made += 1;
            return Ok(new_block());
        }
        self.spare.recv().map_err(|_| self.stopped())
    }

    /// Why the writing thread stopped before it was told to: its error.
    fn stopped(&mut self) -> std::io::Error {
        self.join().err().unwrap_or_else(|| std::io::Error::other("the writing thread has stopped"))
    }

    /// Stop the writing thread (once the blocks sent are written): the file, or the
    /// error that stopped it.
    fn join(&mut self) -> std::io::Result<std::fs::File> {
        self.full = None;
        let writer = self.writer.take().ok_or_else(|| std::io::Error::other("the writing thread has stopped"))?;
        let file = writer.join().map_err(|_| std::io::Error::other("the writing thread panicked"))??;
        Ok(file)
    }
}

impl Write for LargeFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let w = match &mut self.0 {
            Mode::Cached(file) => return InPieces(file).write(buf),
            Mode::Direct(w) => w,
        };
        let n = buf.len().min(BLOCK - w.filled);
        bytes_mut(&mut w.block)[w.filled..w.filled + n].copy_from_slice(&buf[..n]);
        w.filled += n;
        if w.filled == BLOCK {
            let next = w.next_block()?;
            let full = std::mem::replace(&mut w.block, next);
            w.filled = 0;
            w.send(full, BLOCK)?;
        }
        Ok(n)
    }

    /// Nothing: a block is written when it is whole, the rest by [`LargeFile::finish`].
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A [`LargeFile`] written through more than one handle: for a writer that keeps
/// its sink (polars' Parquet writer) while another handle finishes the file.
#[derive(Clone)]
pub struct SharedFile(Arc<Mutex<Option<LargeFile>>>);

impl SharedFile {
    /// Create (or truncate) the file at `path`.
    pub fn create(path: &Path) -> std::io::Result<SharedFile> {
        Ok(SharedFile(Arc::new(Mutex::new(Some(LargeFile::create(path)?)))))
    }

    /// [`LargeFile::finish`]; the handles write nothing more.
    pub fn finish(&self) -> std::io::Result<()> {
        let file = self.0.lock().unwrap_or_else(|e| e.into_inner()).take();
        file.map_or(Ok(()), LargeFile::finish)
    }

    /// `write` on the file, unless it was finished.
    fn with_file<R>(&self, write: impl FnOnce(&mut LargeFile) -> std::io::Result<R>) -> std::io::Result<R> {
        match self.0.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
            Some(file) => write(file),
            None => Err(std::io::Error::other("written after it was finished")),
        }
    }
}

impl Write for &SharedFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.with_file(|file| file.write(buf))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Write for SharedFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        (&*self).write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Write `bytes` at the file's position; a block the disk or file system refuses
/// direct (or the rest of one written in part) goes through the cache ([`InPieces`]),
/// and so does everything after it.
fn write_block(mut file: &std::fs::File, bytes: &[u8], direct: &mut bool) -> std::io::Result<()> {
    let mut done = 0;
    while *direct && done < bytes.len() {
        match file.write(&bytes[done..]) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => done += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) if refused(&e) => {
                *direct = false;
                if !set_direct(file, false) {
                    return Err(e);
                }
            }
            Err(e) => return Err(e),
        }
    }
    InPieces(file).write_all(&bytes[done..])
}

/// Turn direct writes on or off; whether that was done.
#[cfg(target_os = "linux")]
fn set_direct(file: &std::fs::File, on: bool) -> bool {
    use rustix::fs::{fcntl_getfl, fcntl_setfl, OFlags};
    let Ok(flags) = fcntl_getfl(file) else { return false };
    let flags = if on { flags | OFlags::DIRECT } else { flags - OFlags::DIRECT };
    fcntl_setfl(file, flags).is_ok()
}

#[cfg(not(target_os = "linux"))]
fn set_direct(_: &std::fs::File, on: bool) -> bool {
    !on
}

/// The error a direct write gets for a block the device or file system will not
/// take as it is (EINVAL).
#[cfg(target_os = "linux")]
fn refused(e: &std::io::Error) -> bool {
    e.raw_os_error() == Some(rustix::io::Errno::INVAL.raw_os_error())
}

#[cfg(not(target_os = "linux"))]
fn refused(_: &std::io::Error) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every split of the writes, around the block and page edges, gives the same file,
    /// direct or through the cache (a temporary folder on a file system that refuses
    /// direct writes tests the cache twice).
    #[test]
    fn the_file_holds_exactly_the_bytes_written() {
        let dir = tempfile::tempdir().unwrap();
        let data: Vec<u8> = (0..(BLOCKS + 1) * BLOCK + 3 * ALIGN + 17).map(|i| (i * 7 % 251) as u8).collect();
        let pieces = [1, ALIGN - 1, ALIGN, 100_000, BLOCK, BLOCK + 1, data.len()];
        for ((k, piece), direct) in pieces.into_iter().enumerate().zip([true, false].into_iter().cycle()) {
            for len in [0, 5, ALIGN, BLOCK, BLOCK + ALIGN, data.len()] {
                let path = dir.path().join(format!("f{k}-{len}"));
                let mut file = LargeFile::create_as(&path, direct).unwrap();
                for chunk in data[..len].chunks(piece) {
                    file.write_all(chunk).unwrap();
                }
                file.finish().unwrap();
                assert!(
                    std::fs::read(&path).unwrap() == data[..len],
                    "pieces of {piece}, {len} bytes, direct {direct}"
                );
            }
        }
    }

    /// Both handles of a shared file write into it; once finished, neither can.
    #[test]
    fn a_shared_file_is_written_by_its_handles_until_finished() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared");
        let file = SharedFile::create(&path).unwrap();
        let mut other = file.clone();
        (&file).write_all(b"one,").unwrap();
        other.write_all(b"two").unwrap();
        file.finish().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"one,two");
        assert!(other.write_all(b"late").is_err());
        assert_eq!(std::fs::read(&path).unwrap(), b"one,two");
    }
}
