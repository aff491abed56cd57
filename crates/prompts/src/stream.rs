//! The planner's reply text, read out of its JSON answer while the model is still writing it.
//!
//! The planner answers one JSON object (`{"next": ..., "tool": ..., "args": {...},
//! "response": "..."}`, keys in any order, sometimes after prose or inside a code fence). To
//! show the user the reply as it is written, [`ResponseText`] follows the answer character by
//! character and hands back the decoded text of the top-level `response` string as it grows:
//! escapes decoded (`\n`, `\"`, `\u00e9`, surrogate pairs), nothing from other fields (not
//! even an `args` member that happens to be called `response`), and an escape split across
//! two chunks held until it is whole. Joined, the pieces equal the `response` the finished
//! answer parses to.

/// Follows one answer; feed it the chunks in order.
#[derive(Debug, Default)]
pub struct ResponseText {
    at: Place,
    /// The key being read, or the last key read (whose value comes next).
    key: String,
    /// While skipping a value: nesting depth, and whether inside a string (and escaped).
    skip: Skip,
    /// Inside the response string: the escape being read (`\`, `\u00`, ...).
    escape: String,
    /// A high surrogate (`\ud83d`) waiting for its low half.
    high_surrogate: Option<u16>,
    finished: bool,
}

/// Where in the top-level object the reader is.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Before the opening brace: prose or a code fence may come first.
    #[default]
    Before,
    /// After `{` or `,`: a key comes next.
    ExpectKey,
    /// Reading a key string (escaped: the previous character was `\`).
    Key { escaped: bool },
    /// After a key: its `:` comes next.
    ExpectColon,
    /// After `:`: the value comes next.
    ExpectValue,
    /// Reading the value of `response`.
    Response,
    /// Skipping any other value.
    Skipping,
    /// After a value: `,` or `}` comes next.
    AfterValue,
    /// The object is closed: nothing more is read.
    Closed,
}

#[derive(Debug, Default, Clone, Copy)]
struct Skip {
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// A bare value (number, `true`, `null`): it ends at `,` or `}`.
    scalar: bool,
}

impl ResponseText {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the next chunk of the answer; returns the response text it adds (often empty).
    pub fn feed(&mut self, chunk: &str) -> String {
        let mut out = String::new();
        for c in chunk.chars() {
            self.step(c, &mut out);
        }
        out
    }

    /// True once the response string has been read to its closing quote.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    fn step(&mut self, c: char, out: &mut String) {
        match self.at {
            Place::Before => {
                if c == '{' {
                    self.at = Place::ExpectKey;
                }
            }
            Place::ExpectKey => match c {
                '"' => {
                    self.key.clear();
                    self.at = Place::Key { escaped: false };
                }
                '}' => self.at = Place::Closed,
                _ => {}
            },
            Place::Key { escaped } => {
                if escaped {
                    self.key.push(c);
                    self.at = Place::Key { escaped: false };
                } else if c == '\\' {
                    self.at = Place::Key { escaped: true };
                } else if c == '"' {
                    self.at = Place::ExpectColon;
                } else {
                    self.key.push(c);
                }
            }
            Place::ExpectColon => {
                if c == ':' {
                    self.at = Place::ExpectValue;
                }
            }
            Place::ExpectValue => {
                if c.is_whitespace() {
                    return;
                }
                if c == '"' && self.key == "response" && !self.finished {
                    self.at = Place::Response;
                    return;
                }
                self.skip = Skip::default();
                self.at = Place::Skipping;
                match c {
                    '"' => self.skip.in_string = true,
                    '{' | '[' => self.skip.depth = 1,
                    _ => self.skip.scalar = true,
                }
            }
            Place::Response => self.response_char(c, out),
            Place::Skipping => self.skip_char(c),
            Place::AfterValue => match c {
                ',' => self.at = Place::ExpectKey,
                '}' => self.at = Place::Closed,
                _ => {}
            },
            Place::Closed => {}
        }
    }

    /// One character of a value we do not want: strings and nesting are followed only to
    /// find where the value ends.
    fn skip_char(&mut self, c: char) {
        let skip = &mut self.skip;
        if skip.in_string {
            if skip.escaped {
                skip.escaped = false;
            } else if c == '\\' {
                skip.escaped = true;
            } else if c == '"' {
                skip.in_string = false;
                if skip.depth == 0 && !skip.scalar {
                    self.at = Place::AfterValue;
                }
            }
            return;
        }
        if skip.scalar {
            match c {
                ',' => self.at = Place::ExpectKey,
                '}' => self.at = Place::Closed,
                _ => {}
            }
            return;
        }
        match c {
            '"' => skip.in_string = true,
            '{' | '[' => skip.depth += 1,
            '}' | ']' => {
                skip.depth -= 1;
                if skip.depth == 0 {
                    self.at = Place::AfterValue;
                }
            }
            _ => {}
        }
    }

    fn response_char(&mut self, c: char, out: &mut String) {
        if self.escape.is_empty() {
            match c {
                '\\' => self.escape.push('\\'),
                '"' => {
                    self.finished = true;
                    self.at = Place::AfterValue;
                }
                _ => self.emit(c, out),
            }
            return;
        }
        self.escape.push(c);
        if self.escape.len() == 2 {
            let decoded = match c {
                'n' => Some('\n'),
                't' => Some('\t'),
                'r' => Some('\r'),
                'b' => Some('\u{8}'),
                'f' => Some('\u{c}'),
                '"' | '\\' | '/' => Some(c),
                'u' => return,
                // Not valid JSON; keep the character rather than lose it.
                other => Some(other),
            };
            self.escape.clear();
            if let Some(decoded) = decoded {
                self.emit(decoded, out);
            }
            return;
        }
        if self.escape.len() < 6 {
            return;
        }
        let unit = u16::from_str_radix(&self.escape[2..], 16).unwrap_or(0xfffd);
        self.escape.clear();
        match (self.high_surrogate.take(), unit) {
            (None, 0xd800..=0xdbff) => self.high_surrogate = Some(unit),
            (Some(high), 0xdc00..=0xdfff) => {
                let code =
                    0x10000 + ((u32::from(high) - 0xd800) << 10) + (u32::from(unit) - 0xdc00);
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
            }
            (pending, unit) => {
                if pending.is_some() {
                    out.push('\u{fffd}');
                }
                out.push(char::from_u32(u32::from(unit)).unwrap_or('\u{fffd}'));
            }
        }
    }

    fn emit(&mut self, c: char, out: &mut String) {
        if self.high_surrogate.take().is_some() {
            out.push('\u{fffd}');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `answer` in chunks of `size` characters; returns the pieces.
    fn pieces(answer: &str, size: usize) -> Vec<String> {
        let chars: Vec<char> = answer.chars().collect();
        let mut reader = ResponseText::new();
        chars
            .chunks(size)
            .map(|chunk| reader.feed(&chunk.iter().collect::<String>()))
            .collect()
    }

    fn joined(answer: &str, size: usize) -> String {
        pieces(answer, size).concat()
    }

    fn parsed_response(answer: &str) -> String {
        let start = answer.find('{').unwrap();
        let value: serde_json::Value = serde_json::Deserializer::from_str(&answer[start..])
            .into_iter()
            .next()
            .unwrap()
            .unwrap();
        value["response"].as_str().unwrap().to_owned()
    }

    #[test]
    fn the_response_grows_as_it_arrives_whatever_the_chunking() {
        let answer = r#"{"next": "question", "tool": null, "args": {}, "response": "Hi! Which city?\nAnd month?"}"#;
        for size in [1, 2, 3, 7, 1000] {
            assert_eq!(
                joined(answer, size),
                parsed_response(answer),
                "chunks of {size}"
            );
        }
        let growing = pieces(answer, 5);
        assert!(
            growing.iter().filter(|p| !p.is_empty()).count() > 3,
            "{growing:?}"
        );
    }

    #[test]
    fn key_order_fences_and_other_fields_do_not_matter() {
        let answers = [
            r#"{"response": "First", "next": "done"}"#,
            "```json\n{\"next\": \"confirm\", \"args\": {\"response\": \"not this\", \"x\": [1, {\"y\": \"}\"}]}, \"response\": \"This one\", \"tool\": \"T\"}\n```",
            r#"Sure: {"tool": "a\"response\"", "count": 3, "flag": true, "response": "Q \"quoted\" \\ done"} trailing {"response": "no"}"#,
        ];
        for answer in answers {
            for size in [1, 4] {
                assert_eq!(joined(answer, size), parsed_response(answer), "{answer}");
            }
        }
    }

    #[test]
    fn unicode_escapes_split_across_chunks_are_decoded_whole() {
        let answer = r#"{"response": "Caf\u00e9 R\u00edo \ud83c\udf89 \u2014 ok"}"#;
        for size in 1..8 {
            assert_eq!(joined(answer, size), "Café Río 🎉 — ok", "chunks of {size}");
        }
        assert_eq!(
            joined(r#"{"response": "plain é and 🎉"}"#, 1),
            "plain é and 🎉"
        );
    }

    #[test]
    fn prose_without_a_response_gives_nothing() {
        let mut reader = ResponseText::new();
        assert_eq!(reader.feed("I think we should go to Austin."), "");
        assert_eq!(reader.feed(r#"{"next": "question"}"#), "");
        assert!(!reader.is_finished());
    }
}
