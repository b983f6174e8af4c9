//! Writing to standard output without panicking.
//!
//! `println!` panics when the write fails: on a full disk (`> /dev/full`) and, since Rust ignores
//! SIGPIPE, when the reader has gone (`| head -2`). Here a failed write is an error with a
//! message, except a closed pipe: that is the reader saying it has read enough, as `head` does,
//! so baton stops writing, says nothing and ends with the exit code it would have had anyway
//! (1 for an invalid definition still means invalid).

use std::io::{self, BufWriter, ErrorKind, Write};

/// Standard output, buffered; a closed pipe turns further writes into no-ops.
pub struct Stdout {
    out: BufWriter<UntilClosed<io::StdoutLock<'static>>>,
}

impl Stdout {
    pub fn new() -> Stdout {
        Stdout { out: BufWriter::new(UntilClosed { inner: io::stdout().lock(), closed: false }) }
    }

    pub fn text(&mut self, text: &str) -> Result<(), String> {
        self.out.write_all(text.as_bytes()).map_err(cannot_write)
    }

    /// `json` indented, then a newline; written as it is serialized (a long history is megabytes).
    pub fn json(&mut self, json: &serde_json::Value) -> Result<(), String> {
        serde_json::to_writer_pretty(&mut self.out, json).map_err(|e| cannot_write(e.into()))?;
        self.text("\n")
    }

    /// Flushes what is buffered; the last chance for a write to fail.
    pub fn finish(mut self) -> Result<(), String> {
        self.out.flush().map_err(cannot_write)
    }
}

fn cannot_write(e: io::Error) -> String {
    format!("cannot write to standard output: {e}")
}

/// A writer that treats a closed pipe as the end of its output: writes after it succeed and go
/// nowhere.
struct UntilClosed<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> Write for UntilClosed<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

/// Writes a message to standard error. If even that fails there is nobody left to tell.
pub fn say(message: &str) {
    let _ = writeln!(io::stderr().lock(), "{message}");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pipe whose reader left after `room` bytes.
    struct Pipe {
        room: usize,
        got: Vec<u8>,
    }

    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.got.len() >= self.room {
                return Err(ErrorKind::BrokenPipe.into());
            }
            let n = buf.len().min(self.room - self.got.len());
            self.got.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_ends_the_output_quietly() {
        let mut w = UntilClosed { inner: Pipe { room: 4, got: Vec::new() }, closed: false };
        w.write_all(b"status").unwrap();
        w.write_all(b"more").unwrap();
        w.flush().unwrap();
        assert_eq!((w.closed, w.inner.got.as_slice()), (true, &b"stat"[..]));
    }
}
