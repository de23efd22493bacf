//! A CSV segment's bytes cut into rows of cells. A record with no quote is split at
//! its delimiters where it lies, its cells never copied (most rows of most exports);
//! one with a quote is read by csv_core, the parser the csv crate drives. Every row
//! reads as the csv crate reads it: `\r`, `\n` and `\r\n` end a record, blank lines
//! are skipped, `""` in a quoted cell is one quote. Each step looks only as far as
//! the next line end, so the work stays linear in the bytes whatever ends the lines.

use crate::read::cells::Cells;

/// Append the rows of `bytes` (a segment starting at a row boundary on line
/// `first_line`) to `cells`, with the line each starts on to `lines`; `cells.text`
/// becomes the segment's bytes followed by the quoted records' cells. Returns how
/// far the bytes are UTF-8 when they are not.
pub(crate) fn split_rows(
    mut bytes: Vec<u8>,
    delimiter: u8,
    first_line: u64,
    cells: &mut Cells,
    lines: &mut Vec<u64>,
) -> Result<(), usize> {
    let len = bytes.len();
    let base = cells.text.len();
    let mut quoted = QuotedRecords::new(delimiter, base + len);
    let (mut pos, mut line) = (0usize, first_line);
    while pos < len {
        match bytes[pos] {
            b'\n' => {
                line += 1;
                pos += 1;
                continue;
            }
            b'\r' => {
                pos += 1;
                continue;
            }
            _ => {}
        }
        // The record's end, unless a quote makes it csv_core's to find: the next line
        // end (the loop then steps over `\r` and `\n`, counting lines).
        let end = memchr::memchr2(b'\n', b'\r', &bytes[pos..]).map_or(len, |i| pos + i);
        let content = &bytes[pos..end];
        if memchr::memchr(b'"', content).is_none() {
            lines.push(line);
            let mut start = pos;
            for at in memchr::memchr_iter(delimiter, content) {
                cells.push_span(base + start, base + pos + at);
                start = pos + at + 1;
            }
            cells.push_span(base + start, base + end);
            cells.end_row();
            pos = end;
        } else {
            let (consumed, read) = quoted.read(&bytes[pos..], cells);
            if read {
                lines.push(line);
            }
            line += memchr::memchr_iter(b'\n', &bytes[pos..pos + consumed]).count() as u64;
            // csv_core takes at least the record's first byte; were it ever to take
            // none, the loop still moves on.
            pos += consumed.max(1);
        }
    }
    bytes.extend_from_slice(&quoted.cells);
    let text = utf8_text(bytes)?;
    match cells.text.is_empty() {
        true => cells.text = text,
        false => cells.text.push_str(&text),
    }
    Ok(())
}

/// `bytes` as text, checked a vector at a time (simdutf8); else how far they are valid.
fn utf8_text(bytes: Vec<u8>) -> Result<String, usize> {
    match simdutf8::compat::from_utf8(&bytes) {
        // SAFETY: the bytes were checked to be UTF-8 just above.
        Ok(_) => Ok(unsafe { String::from_utf8_unchecked(bytes) }),
        Err(e) => Err(e.valid_up_to()),
    }
}

/// Records read by csv_core: their cells, unquoted, one after another.
struct QuotedRecords {
    core: csv_core::Reader,
    cells: Vec<u8>,
    ends: Vec<usize>,
    /// Where `cells` will start in the table's text.
    at: usize,
}

impl QuotedRecords {
    fn new(delimiter: u8, at: usize) -> QuotedRecords {
        let core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        QuotedRecords { core, cells: Vec::new(), ends: vec![0; 64], at }
    }

    /// Read the record at the start of `input` (not a line end) into `cells`; returns
    /// the bytes it took, and whether there was a record (always, unless csv_core
    /// reads `input` otherwise than the caller does).
    fn read(&mut self, input: &[u8], cells: &mut Cells) -> (usize, bool) {
        use csv_core::ReadRecordResult::*;
        self.core.reset();
        let start = self.cells.len();
        // Room for the record's first line; a record spanning lines doubles it.
        let line = memchr::memchr2(b'\n', b'\r', input).map_or(input.len(), |i| i + 1);
        self.cells.resize(start + line + 1, 0);
        let (mut taken, mut written, mut fields) = (0, 0, 0);
        loop {
            let (result, nin, nout, nend) =
                self.core.read_record(&input[taken..], &mut self.cells[start + written..], &mut self.ends[fields..]);
            (taken, written, fields) = (taken + nin, written + nout, fields + nend);
            match result {
                InputEmpty => {}
                // The record's room doubled (not the cells before it).
                OutputFull => self.cells.resize(start + 2 * (self.cells.len() - start), 0),
                OutputEndsFull => self.ends.resize(2 * self.ends.len(), 0),
                Record | End => break,
            }
        }
        self.cells.truncate(start + written);
        if fields == 0 {
            return (taken, false);
        }
        let first = self.at + start;
        let mut from = 0;
        for &end in &self.ends[..fields] {
            cells.push_span(first + from, first + end);
            from = end;
        }
        cells.end_row();
        (taken, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The rows and their lines as [`split_rows`] reads `text`.
    fn split(text: &str, delimiter: u8, first_line: u64) -> (Vec<Vec<String>>, Vec<u64>) {
        let (mut cells, mut lines) = (Cells::new(), Vec::new());
        split_rows(text.as_bytes().to_vec(), delimiter, first_line, &mut cells, &mut lines).unwrap();
        let rows = (0..cells.rows()).map(|r| cells.row(r).map(str::to_string).collect()).collect();
        (rows, lines)
    }

    /// The same read by the csv crate, each record's line the line of its first byte.
    fn csv_crate(text: &str, delimiter: u8, first_line: u64) -> (Vec<Vec<String>>, Vec<u64>) {
        let bytes = text.as_bytes();
        let mut reader =
            csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes);
        let (mut rows, mut lines) = (Vec::new(), Vec::new());
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let mut at = record.position().unwrap().byte() as usize;
            while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
                at += 1;
            }
            lines.push(first_line + bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64);
            rows.push(record.iter().map(|c| String::from_utf8(c.to_vec()).unwrap()).collect());
        }
        (rows, lines)
    }

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn plain_lines_split_in_place_and_quoted_ones_unquoted() {
        let text = "a,b,c\r\n\r\n\"x, y\",\"say \"\"hi\"\"\",z\n\"two\nlines\",2\n,,\nlast";
        let (rows, lines) = split(text, b',', 2);
        assert_eq!(
            rows,
            vec![
                row(&["a", "b", "c"]),
                row(&["x, y", "say \"hi\"", "z"]),
                row(&["two\nlines", "2"]),
                row(&["", "", ""]),
                row(&["last"])
            ]
        );
        assert_eq!(lines, vec![2, 4, 5, 7, 8]);
    }

    #[test]
    fn a_lone_carriage_return_ends_a_record_as_in_the_csv_crate() {
        let text = "a\rb;c\r\r\n中文;\"q\"\r";
        assert_eq!(split(text, b';', 1), csv_crate(text, b';', 1));
        assert_eq!(split(text, b';', 1).0, vec![row(&["a"]), row(&["b", "c"]), row(&["中文", "q"])]);
        // Lines ended by `\r` alone (classic Mac files): every record on line 1.
        let text: String = (0..1000).map(|i| format!("{i},\"q{i}\"\r{i}\r")).collect();
        let (rows, lines) = split(&text, b',', 1);
        assert_eq!((rows.len(), &rows[1998], lines[1999]), (2000, &row(&["999", "q999"]), 1));
        assert_eq!((rows, lines), csv_crate(&text, b',', 1));
    }

    #[test]
    fn a_quote_inside_an_unquoted_cell_is_kept_as_the_csv_crate_keeps_it() {
        for text in ["ab\"c,d\n", "\"ab\"c,d\n", "\"open,never closed\nnext", "a,\"\"\n\"\"", "\t\"x\"\t\n"] {
            for delimiter in [b',', b'\t'] {
                assert_eq!(split(text, delimiter, 1), csv_crate(text, delimiter, 1), "{text:?}");
            }
        }
    }

    #[test]
    fn cells_follow_text_already_in_the_table() {
        let (mut cells, mut lines) = (Cells::new(), Vec::new());
        cells.push_row(["h1", "h2"]);
        split_rows(b"x,\"y\"\n".to_vec(), b',', 5, &mut cells, &mut lines).unwrap();
        assert_eq!((cells.row(1).collect::<Vec<_>>(), lines), (vec!["x", "y"], vec![5]));
    }

    #[test]
    fn bytes_that_are_not_utf8_say_how_far_they_are() {
        let (mut cells, mut lines) = (Cells::new(), Vec::new());
        assert_eq!(split_rows(b"ab,c\n\xff\n".to_vec(), b',', 1, &mut cells, &mut lines), Err(5));
    }

    proptest! {
        #[test]
        fn rows_and_lines_are_the_csv_crates(
            text in proptest::collection::vec(
                prop_oneof![Just("a"), Just("中"), Just(","), Just(";"), Just("\""), Just("\r"), Just("\n"), Just(" ")],
                0..40,
            ),
            semicolon in any::<bool>(),
        ) {
            let text = text.concat();
            let delimiter = if semicolon { b';' } else { b',' };
            prop_assert_eq!(split(&text, delimiter, 3), csv_crate(&text, delimiter, 3));
        }
    }
}
